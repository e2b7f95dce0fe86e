/* shell_lex: BuildKit's shell word expansion (frontend/dockerfile/shell/
 * lex.go) redone in C, byte for byte: quotes, the escape token, $V and the
 * ${V...} forms, the glob-pattern trims and replacements (matched the way Go's
 * leftmost-first regexp does), and ProcessWords' word splitting. As in Go,
 * bytes of the source that are not UTF-8 come out as U+FFFD and names may use
 * any Unicode letter or digit (Unicode 15.0 tables, as Go's). Hostile input is
 * bounded: ${...} nested past 64 levels, or more than 16 MiB of text produced
 * by one call, is an error. */
#include "shell_lex.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/strbuf.h"

#define SH_EOF (-1)
#define RUNE_ERROR 0xFFFD
#define MAX_DEPTH 64		      /* nested ${...} levels */
#define MAX_OUTPUT ((size_t)16 << 20) /* bytes produced by one call */

/* Unicode 15.0 general categories L (letters) and Nd (decimal digits) above
 * U+007F, generated from ICU 72; Go's unicode.IsLetter / IsDigit. */
/* clang-format off */
static const uint32_t uni_letter[][2] = {
	{0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6},
	{0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC},
	{0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377}, {0x37A, 0x37D},
	{0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C},
	{0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F},
	{0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588}, {0x5D0, 0x5EA},
	{0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3},
	{0x6D5, 0x6D5}, {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC},
	{0x6FF, 0x6FF}, {0x710, 0x710}, {0x712, 0x72F}, {0x74D, 0x7A5},
	{0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA},
	{0x800, 0x815}, {0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828},
	{0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887}, {0x889, 0x88E},
	{0x8A0, 0x8C9}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950},
	{0x958, 0x961}, {0x971, 0x980}, {0x985, 0x98C}, {0x98F, 0x990},
	{0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2}, {0x9B6, 0x9B9},
	{0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1},
	{0x9F0, 0x9F1}, {0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10},
	{0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33}, {0xA35, 0xA36},
	{0xA38, 0xA39}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA72, 0xA74},
	{0xA85, 0xA8D}, {0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0},
	{0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD}, {0xAD0, 0xAD0},
	{0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10},
	{0xB13, 0xB28}, {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39},
	{0xB3D, 0xB3D}, {0xB5C, 0xB5D}, {0xB5F, 0xB61}, {0xB71, 0xB71},
	{0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95},
	{0xB99, 0xB9A}, {0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4},
	{0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0}, {0xC05, 0xC0C},
	{0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D},
	{0xC58, 0xC5A}, {0xC5D, 0xC5D}, {0xC60, 0xC61}, {0xC80, 0xC80},
	{0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8}, {0xCAA, 0xCB3},
	{0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1},
	{0xCF1, 0xCF2}, {0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A},
	{0xD3D, 0xD3D}, {0xD4E, 0xD4E}, {0xD54, 0xD56}, {0xD5F, 0xD61},
	{0xD7A, 0xD7F}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB},
	{0xDBD, 0xDBD}, {0xDC0, 0xDC6}, {0xE01, 0xE30}, {0xE32, 0xE33},
	{0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84}, {0xE86, 0xE8A},
	{0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB3},
	{0xEBD, 0xEBD}, {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF},
	{0xF00, 0xF00}, {0xF40, 0xF47}, {0xF49, 0xF6C}, {0xF88, 0xF8C},
	{0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055},
	{0x105A, 0x105D}, {0x1061, 0x1061}, {0x1065, 0x1066},
	{0x106E, 0x1070}, {0x1075, 0x1081}, {0x108E, 0x108E},
	{0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD},
	{0x10D0, 0x10FA}, {0x10FC, 0x1248}, {0x124A, 0x124D},
	{0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D},
	{0x1260, 0x1288}, {0x128A, 0x128D}, {0x1290, 0x12B0},
	{0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
	{0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310},
	{0x1312, 0x1315}, {0x1318, 0x135A}, {0x1380, 0x138F},
	{0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C},
	{0x166F, 0x167F}, {0x1681, 0x169A}, {0x16A0, 0x16EA},
	{0x16F1, 0x16F8}, {0x1700, 0x1711}, {0x171F, 0x1731},
	{0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770},
	{0x1780, 0x17B3}, {0x17D7, 0x17D7}, {0x17DC, 0x17DC},
	{0x1820, 0x1878}, {0x1880, 0x1884}, {0x1887, 0x18A8},
	{0x18AA, 0x18AA}, {0x18B0, 0x18F5}, {0x1900, 0x191E},
	{0x1950, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB},
	{0x19B0, 0x19C9}, {0x1A00, 0x1A16}, {0x1A20, 0x1A54},
	{0x1AA7, 0x1AA7}, {0x1B05, 0x1B33}, {0x1B45, 0x1B4C},
	{0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5},
	{0x1C00, 0x1C23}, {0x1C4D, 0x1C4F}, {0x1C5A, 0x1C7D},
	{0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
	{0x1CE9, 0x1CEC}, {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6},
	{0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF}, {0x1E00, 0x1F15},
	{0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D},
	{0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B},
	{0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4},
	{0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4},
	{0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB},
	{0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC},
	{0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C},
	{0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
	{0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124},
	{0x2126, 0x2126}, {0x2128, 0x2128}, {0x212A, 0x212D},
	{0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
	{0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2CE4},
	{0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0x2D00, 0x2D25},
	{0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67},
	{0x2D6F, 0x2D6F}, {0x2D80, 0x2D96}, {0x2DA0, 0x2DA6},
	{0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE},
	{0x2DC0, 0x2DC6}, {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6},
	{0x2DD8, 0x2DDE}, {0x2E2F, 0x2E2F}, {0x3005, 0x3006},
	{0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096},
	{0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF},
	{0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF},
	{0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0xA48C},
	{0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA61F},
	{0xA62A, 0xA62B}, {0xA640, 0xA66E}, {0xA67F, 0xA69D},
	{0xA6A0, 0xA6E5}, {0xA717, 0xA71F}, {0xA722, 0xA788},
	{0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3},
	{0xA7D5, 0xA7D9}, {0xA7F2, 0xA801}, {0xA803, 0xA805},
	{0xA807, 0xA80A}, {0xA80C, 0xA822}, {0xA840, 0xA873},
	{0xA882, 0xA8B3}, {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB},
	{0xA8FD, 0xA8FE}, {0xA90A, 0xA925}, {0xA930, 0xA946},
	{0xA960, 0xA97C}, {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF},
	{0xA9E0, 0xA9E4}, {0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE},
	{0xAA00, 0xAA28}, {0xAA40, 0xAA42}, {0xAA44, 0xAA4B},
	{0xAA60, 0xAA76}, {0xAA7A, 0xAA7A}, {0xAA7E, 0xAAAF},
	{0xAAB1, 0xAAB1}, {0xAAB5, 0xAAB6}, {0xAAB9, 0xAABD},
	{0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD},
	{0xAAE0, 0xAAEA}, {0xAAF2, 0xAAF4}, {0xAB01, 0xAB06},
	{0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26},
	{0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69},
	{0xAB70, 0xABE2}, {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6},
	{0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9},
	{0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFB1D, 0xFB1D},
	{0xFB1F, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C},
	{0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44},
	{0xFB46, 0xFBB1}, {0xFBD3, 0xFD3D}, {0xFD50, 0xFD8F},
	{0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74},
	{0xFE76, 0xFEFC}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
	{0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF},
	{0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B},
	{0x1000D, 0x10026}, {0x10028, 0x1003A}, {0x1003C, 0x1003D},
	{0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
	{0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F},
	{0x1032D, 0x10340}, {0x10342, 0x10349}, {0x10350, 0x10375},
	{0x10380, 0x1039D}, {0x103A0, 0x103C3}, {0x103C8, 0x103CF},
	{0x10400, 0x1049D}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
	{0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A},
	{0x1057C, 0x1058A}, {0x1058C, 0x10592}, {0x10594, 0x10595},
	{0x10597, 0x105A1}, {0x105A3, 0x105B1}, {0x105B3, 0x105B9},
	{0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
	{0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0},
	{0x107B2, 0x107BA}, {0x10800, 0x10805}, {0x10808, 0x10808},
	{0x1080A, 0x10835}, {0x10837, 0x10838}, {0x1083C, 0x1083C},
	{0x1083F, 0x10855}, {0x10860, 0x10876}, {0x10880, 0x1089E},
	{0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915},
	{0x10920, 0x10939}, {0x10980, 0x109B7}, {0x109BE, 0x109BF},
	{0x10A00, 0x10A00}, {0x10A10, 0x10A13}, {0x10A15, 0x10A17},
	{0x10A19, 0x10A35}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C},
	{0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35},
	{0x10B40, 0x10B55}, {0x10B60, 0x10B72}, {0x10B80, 0x10B91},
	{0x10C00, 0x10C48}, {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2},
	{0x10D00, 0x10D23}, {0x10E80, 0x10EA9}, {0x10EB0, 0x10EB1},
	{0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45},
	{0x10F70, 0x10F81}, {0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6},
	{0x11003, 0x11037}, {0x11071, 0x11072}, {0x11075, 0x11075},
	{0x11083, 0x110AF}, {0x110D0, 0x110E8}, {0x11103, 0x11126},
	{0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172},
	{0x11176, 0x11176}, {0x11183, 0x111B2}, {0x111C1, 0x111C4},
	{0x111DA, 0x111DA}, {0x111DC, 0x111DC}, {0x11200, 0x11211},
	{0x11213, 0x1122B}, {0x1123F, 0x11240}, {0x11280, 0x11286},
	{0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D},
	{0x1129F, 0x112A8}, {0x112B0, 0x112DE}, {0x11305, 0x1130C},
	{0x1130F, 0x11310}, {0x11313, 0x11328}, {0x1132A, 0x11330},
	{0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D},
	{0x11350, 0x11350}, {0x1135D, 0x11361}, {0x11400, 0x11434},
	{0x11447, 0x1144A}, {0x1145F, 0x11461}, {0x11480, 0x114AF},
	{0x114C4, 0x114C5}, {0x114C7, 0x114C7}, {0x11580, 0x115AE},
	{0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644},
	{0x11680, 0x116AA}, {0x116B8, 0x116B8}, {0x11700, 0x1171A},
	{0x11740, 0x11746}, {0x11800, 0x1182B}, {0x118A0, 0x118DF},
	{0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913},
	{0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F},
	{0x11941, 0x11941}, {0x119A0, 0x119A7}, {0x119AA, 0x119D0},
	{0x119E1, 0x119E1}, {0x119E3, 0x119E3}, {0x11A00, 0x11A00},
	{0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A}, {0x11A50, 0x11A50},
	{0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8},
	{0x11C00, 0x11C08}, {0x11C0A, 0x11C2E}, {0x11C40, 0x11C40},
	{0x11C72, 0x11C8F}, {0x11D00, 0x11D06}, {0x11D08, 0x11D09},
	{0x11D0B, 0x11D30}, {0x11D46, 0x11D46}, {0x11D60, 0x11D65},
	{0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98},
	{0x11EE0, 0x11EF2}, {0x11F02, 0x11F02}, {0x11F04, 0x11F10},
	{0x11F12, 0x11F33}, {0x11FB0, 0x11FB0}, {0x12000, 0x12399},
	{0x12480, 0x12543}, {0x12F90, 0x12FF0}, {0x13000, 0x1342F},
	{0x13441, 0x13446}, {0x14400, 0x14646}, {0x16800, 0x16A38},
	{0x16A40, 0x16A5E}, {0x16A70, 0x16ABE}, {0x16AD0, 0x16AED},
	{0x16B00, 0x16B2F}, {0x16B40, 0x16B43}, {0x16B63, 0x16B77},
	{0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A},
	{0x16F50, 0x16F50}, {0x16F93, 0x16F9F}, {0x16FE0, 0x16FE1},
	{0x16FE3, 0x16FE3}, {0x17000, 0x187F7}, {0x18800, 0x18CD5},
	{0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3}, {0x1AFF5, 0x1AFFB},
	{0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B132, 0x1B132},
	{0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167},
	{0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C},
	{0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454},
	{0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2},
	{0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9},
	{0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505},
	{0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C},
	{0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E}, {0x1D540, 0x1D544},
	{0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5},
	{0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA},
	{0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E},
	{0x1D750, 0x1D76E}, {0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8},
	{0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB}, {0x1DF00, 0x1DF1E},
	{0x1DF25, 0x1DF2A}, {0x1E030, 0x1E06D}, {0x1E100, 0x1E12C},
	{0x1E137, 0x1E13D}, {0x1E14E, 0x1E14E}, {0x1E290, 0x1E2AD},
	{0x1E2C0, 0x1E2EB}, {0x1E4D0, 0x1E4EB}, {0x1E7E0, 0x1E7E6},
	{0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE},
	{0x1E800, 0x1E8C4}, {0x1E900, 0x1E943}, {0x1E94B, 0x1E94B},
	{0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22},
	{0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32},
	{0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B},
	{0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
	{0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52},
	{0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59},
	{0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F},
	{0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A},
	{0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C},
	{0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B},
	{0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB},
	{0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D},
	{0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D},
	{0x30000, 0x3134A}, {0x31350, 0x323AF},
};

static const uint32_t uni_digit[][2] = {
	{0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F},
	{0x9E6, 0x9EF}, {0xA66, 0xA6F}, {0xAE6, 0xAEF}, {0xB66, 0xB6F},
	{0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F},
	{0xDE6, 0xDEF}, {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29},
	{0x1040, 0x1049}, {0x1090, 0x1099}, {0x17E0, 0x17E9},
	{0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9},
	{0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59},
	{0x1BB0, 0x1BB9}, {0x1C40, 0x1C49}, {0x1C50, 0x1C59},
	{0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909},
	{0xA9D0, 0xA9D9}, {0xA9F0, 0xA9F9}, {0xAA50, 0xAA59},
	{0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9},
	{0x10D30, 0x10D39}, {0x11066, 0x1106F}, {0x110F0, 0x110F9},
	{0x11136, 0x1113F}, {0x111D0, 0x111D9}, {0x112F0, 0x112F9},
	{0x11450, 0x11459}, {0x114D0, 0x114D9}, {0x11650, 0x11659},
	{0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
	{0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59},
	{0x11DA0, 0x11DA9}, {0x11F50, 0x11F59}, {0x16A60, 0x16A69},
	{0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF},
	{0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E4F0, 0x1E4F9},
	{0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};
/* clang-format on */

static bool in_table(const uint32_t (*t)[2], size_t n, int32_t r)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uint32_t)r < t[mid][0])
			hi = mid;
		else if ((uint32_t)r > t[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool go_is_letter(int32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	return in_table(uni_letter, sizeof(uni_letter) / sizeof(*uni_letter),
			r);
}

static bool go_is_digit(int32_t r)
{
	if (r < 0x80)
		return r >= '0' && r <= '9';
	return in_table(uni_digit, sizeof(uni_digit) / sizeof(*uni_digit), r);
}

/* unicode.IsSpace: the White_Space property. */
static bool go_is_space(int32_t r)
{
	switch (r) {
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case ' ':
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200A;
}

/* ---- UTF-8, as Go's unicode/utf8 ---- */

/* Decodes one rune from s (n > 0); an invalid or short sequence gives
 * U+FFFD with width 1, as utf8.DecodeRune does. */
static size_t u8_decode(const unsigned char *s, size_t n, int32_t *r)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t w;
	*r = RUNE_ERROR;
	if (c < 0x80) {
		*r = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		w = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		w = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		w = 4;
	else
		return 1;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < w || s[1] < lo || s[1] > hi)
		return 1;
	int32_t v = c & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
	for (size_t i = 1; i < w; i++) {
		if (i > 1 && (s[i] < 0x80 || s[i] > 0xBF))
			return 1;
		v = (v << 6) | (s[i] & 0x3F);
	}
	*r = v;
	return w;
}

/* utf8.AppendRune: anything that is not a valid rune becomes U+FFFD. */
static void u8_put(struct strbuf *sb, int32_t r)
{
	char b[4];
	if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = RUNE_ERROR;
	if (r < 0x80) {
		sb_addc(sb, (char)r);
		return;
	}
	if (r < 0x800) {
		b[0] = (char)(0xC0 | (r >> 6));
		b[1] = (char)(0x80 | (r & 0x3F));
		sb_add(sb, b, 2);
	} else if (r < 0x10000) {
		b[0] = (char)(0xE0 | (r >> 12));
		b[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		b[2] = (char)(0x80 | (r & 0x3F));
		sb_add(sb, b, 3);
	} else {
		b[0] = (char)(0xF0 | (r >> 18));
		b[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		b[3] = (char)(0x80 | (r & 0x3F));
		sb_add(sb, b, 4);
	}
}

/* A string as Go's []rune sees it, with the byte offset of each rune
 * (off[n] is the length). */
struct runes {
	int32_t *r;
	size_t *off;
	size_t n;
};

static void runes_of(struct runes *rs, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	rs->r = xreallocarray(NULL, len + 1, sizeof(*rs->r));
	rs->off = xreallocarray(NULL, len + 1, sizeof(*rs->off));
	rs->n = 0;
	for (size_t i = 0; i < len;) {
		rs->off[rs->n] = i;
		i += u8_decode(p + i, len - i, &rs->r[rs->n]);
		rs->n++;
	}
	rs->off[rs->n] = len;
}

static void runes_free(struct runes *rs)
{
	free(rs->r);
	free(rs->off);
}

/* ---- text/scanner: Peek/Next over runes; a leading BOM is skipped ---- */

struct scan {
	const unsigned char *s;
	size_t n, pos;
};

static void scan_init(struct scan *sc, const char *s, size_t n)
{
	sc->s = (const unsigned char *)s;
	sc->n = n;
	sc->pos = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

static int32_t scan_peek(const struct scan *sc)
{
	int32_t r;
	if (sc->pos >= sc->n)
		return SH_EOF;
	u8_decode(sc->s + sc->pos, sc->n - sc->pos, &r);
	return r;
}

static int32_t scan_next(struct scan *sc)
{
	int32_t r;
	if (sc->pos >= sc->n)
		return SH_EOF;
	sc->pos += u8_decode(sc->s + sc->pos, sc->n - sc->pos, &r);
	return r;
}

/* ---- shell patterns: Go converts them to a regexp of literals, '.'
 * (any rune but '\n'), and '.*' or '.*?'; this runs the same program with a
 * Pike VM that keeps Go's leftmost-first priorities. ---- */

enum { OP_LIT, OP_ANY, OP_STAR };

struct atom {
	int op;
	int32_t r;
};

struct prog {
	struct atom *a;
	size_t n;
	bool greedy;
};

/* convertShellPatternToRegex. Consecutive stars are merged: '.*.*' finds the
 * same match as '.*' under either priority. */
static int prog_compile(struct prog *pg, const char *pat, size_t len,
			bool greedy, struct strbuf *emsg)
{
	struct scan sc;
	scan_init(&sc, pat, len);
	pg->a = xreallocarray(NULL, len + 1, sizeof(*pg->a));
	pg->n = 0;
	pg->greedy = greedy;
	for (int32_t tok = scan_next(&sc); tok != SH_EOF;
	     tok = scan_next(&sc)) {
		int op = tok == '*' ? OP_STAR : tok == '?' ? OP_ANY : OP_LIT;
		if (tok == '\\') {
			int32_t nx = scan_peek(&sc);
			if (nx == '}' || nx == '/')
				continue;
			tok = scan_next(&sc);
			if (tok != '*' && tok != '?' && tok != '\\') {
				sb_adds(emsg, "invalid escape '\\");
				u8_put(emsg, tok);
				sb_addc(emsg, '\'');
				free(pg->a);
				pg->a = NULL;
				return -1;
			}
		}
		if (op == OP_STAR && pg->n && pg->a[pg->n - 1].op == OP_STAR)
			continue;
		pg->a[pg->n++] = (struct atom){op, tok};
	}
	return 0;
}

struct thread {
	size_t pc, start;
};

struct tlist {
	struct thread *t;
	size_t n, stamp;
	size_t *mark; /* mark[pc] == stamp: pc is already on the list */
};

struct vm {
	const struct prog *pg;
	struct tlist l[2];
};

static void vm_init(struct vm *vm, const struct prog *pg)
{
	vm->pg = pg;
	for (int i = 0; i < 2; i++) {
		vm->l[i].t =
		    xreallocarray(NULL, pg->n + 1, sizeof(struct thread));
		vm->l[i].mark = xcalloc(pg->n + 1, sizeof(size_t));
		vm->l[i].n = 0;
		vm->l[i].stamp = 1;
	}
}

static void vm_free(struct vm *vm)
{
	for (int i = 0; i < 2; i++) {
		free(vm->l[i].t);
		free(vm->l[i].mark);
	}
}

/* Adds pc and what it reaches without input, in priority order. A star is a
 * split: greedy prefers another rune, lazy prefers moving on. Stars are never
 * adjacent, so this recurses at most twice. */
static void vm_add(struct tlist *l, const struct prog *pg, size_t pc,
		   size_t start)
{
	bool star = pc < pg->n && pg->a[pc].op == OP_STAR;
	if (l->mark[pc] == l->stamp)
		return;
	l->mark[pc] = l->stamp;
	if (star && !pg->greedy)
		vm_add(l, pg, pc + 1, start);
	l->t[l->n++] = (struct thread){pc, start};
	if (star && pg->greedy)
		vm_add(l, pg, pc + 1, start);
}

/* One input rune c (SH_EOF at the end) for every thread of cur, in order.
 * Returns true when a thread matched; lower-priority threads are dropped. */
static bool vm_step(struct vm *vm, struct tlist *cur, struct tlist *nxt,
		    int32_t c, size_t pos, size_t *ms, size_t *me)
{
	const struct prog *pg = vm->pg;
	for (size_t i = 0; i < cur->n; i++) {
		struct thread th = cur->t[i];
		if (th.pc == pg->n) {
			*ms = th.start;
			*me = pos;
			return true;
		}
		const struct atom *a = &pg->a[th.pc];
		bool ok =
		    c != SH_EOF && (a->op == OP_LIT ? c == a->r : c != '\n');
		if (ok)
			vm_add(nxt, pg, a->op == OP_STAR ? th.pc : th.pc + 1,
			       th.start);
	}
	return false;
}

/* regexp FindStringIndex from rune index from; anchored is the '^' form. */
static bool vm_find(struct vm *vm, const struct runes *in, size_t from,
		    bool anchored, size_t *ms, size_t *me)
{
	struct tlist *cur = &vm->l[0], *nxt = &vm->l[1];
	bool matched = false;
	cur->n = nxt->n = 0;
	cur->stamp++;
	nxt->stamp++;
	for (size_t pos = from;; pos++) {
		if (!cur->n && (matched || (anchored && pos != from)))
			break;
		if (!matched && (!anchored || pos == from))
			vm_add(cur, vm->pg, 0, pos);
		int32_t c = pos < in->n ? in->r[pos] : SH_EOF;
		if (vm_step(vm, cur, nxt, c, pos, ms, me))
			matched = true;
		struct tlist *tmp = cur;
		cur = nxt;
		nxt = tmp;
		nxt->n = 0;
		nxt->stamp++;
		if (pos >= in->n)
			break;
	}
	return matched;
}

/* ---- the lexer ---- */

struct lex {
	const struct shlex *opt;
	const struct env_list *env;
	struct shlex_matches *m;
	struct kerr *err;
	struct scan sc;
	/* BuildKit keeps one words buffer for the whole call and every nested
	 * processStopOn resets it; kept for byte-exact ProcessWords results. */
	struct strbuf wbuf;
	bool raw_escapes;
	int depth;
	size_t produced;
};

/* The words being split at the top level (NULL below it). */
struct words {
	struct strlist *list;
	bool in_word;
};

/* Sets err to one line: control bytes are shown as escapes. */
static int lex_err(struct lex *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int lex_err(struct lex *lx, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, line = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&raw, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.buf[i];
		if (c == '\n')
			sb_adds(&line, "\\n");
		else if (c == '\t')
			sb_adds(&line, "\\t");
		else if (c < 0x20 || c == 0x7F)
			sb_addf(&line, "\\x%02x", c);
		else
			sb_addc(&line, (char)c);
	}
	kerr_set(lx->err, KERR_USAGE, "%s", sb_str(&line));
	sb_release(&raw);
	sb_release(&line);
	return -1;
}

static void emit(struct lex *lx, struct strbuf *sb, const char *p, size_t n)
{
	sb_add(sb, p, n);
	lx->produced += n;
}

static void emit_rune(struct lex *lx, struct strbuf *sb, int32_t r)
{
	size_t before = sb->len;
	u8_put(sb, r);
	lx->produced += sb->len - before;
}

static int check_size(struct lex *lx)
{
	if (lx->produced > MAX_OUTPUT)
		return lex_err(lx, "variable expansion result is too large");
	return 0;
}

static void words_push(struct lex *lx, struct words *w)
{
	strlist_push_owned(w->list, xmemdup0(sb_str(&lx->wbuf), lx->wbuf.len));
	sb_reset(&lx->wbuf);
	w->in_word = false;
}

static void words_raw_char(struct lex *lx, struct words *w, int32_t r)
{
	if (!w)
		return;
	u8_put(&lx->wbuf, r);
	w->in_word = true;
}

static void words_char(struct lex *lx, struct words *w, int32_t r)
{
	if (!w)
		return;
	if (!go_is_space(r))
		words_raw_char(lx, w, r);
	else if (w->in_word && lx->wbuf.len)
		words_push(lx, w);
}

static void words_string(struct lex *lx, struct words *w, const char *s,
			 size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	int32_t r;
	for (size_t i = 0; w && i < len;) {
		i += u8_decode(p + i, len - i, &r);
		words_char(lx, w, r);
	}
}

static void words_raw_string(struct lex *lx, struct words *w, const char *s,
			     size_t len)
{
	if (!w)
		return;
	sb_add(&lx->wbuf, s, len);
	w->in_word = true;
}

static void words_flush(struct lex *lx, struct words *w)
{
	if (w && lx->wbuf.len)
		words_push(lx, w);
}

/* getEnv: NULL when unset; records the name as matched or unmatched. */
static const char *get_env(struct lex *lx, const char *name)
{
	const char *v = lx->env ? env_get(lx->env, name) : NULL;
	if (lx->m) {
		struct strlist *l = v ? &lx->m->matched : &lx->m->unmatched;
		if (!strlist_has(l, name))
			strlist_push(l, name);
	}
	return v;
}

static bool is_special_param(int32_t r)
{
	return r == '@' || r == '*' || r == '#' || r == '?' || r == '-' ||
	       r == '$' || r == '!' || r == '0';
}

/* processName: a run of digits, one special parameter, or letters, digits
 * and '_'. */
static void read_name(struct lex *lx, struct strbuf *name)
{
	for (int32_t r = scan_peek(&lx->sc); r != SH_EOF;
	     r = scan_peek(&lx->sc)) {
		if (!name->len && go_is_digit(r)) {
			while (go_is_digit(scan_peek(&lx->sc)))
				u8_put(name, scan_next(&lx->sc));
			return;
		}
		if (!name->len && is_special_param(r)) {
			u8_put(name, scan_next(&lx->sc));
			return;
		}
		if (!go_is_letter(r) && !go_is_digit(r) && r != '_')
			return;
		u8_put(name, scan_next(&lx->sc));
	}
}

/* ---- ${V#p} ${V%p} ${V/p/r}: Go's trimPrefix, trimSuffix, replace ---- */

static int bad_pattern(struct lex *lx, const char *pat, struct strbuf *emsg)
{
	lex_err(lx, "invalid pattern (%s) in substitution: %s", pat,
		sb_str(emsg));
	sb_release(emsg);
	return -1;
}

static int trim_prefix(struct lex *lx, const char *pat, size_t plen,
		       const char *val, size_t vlen, bool greedy,
		       struct strbuf *out)
{
	struct strbuf emsg = STRBUF_INIT;
	struct prog pg;
	struct runes in;
	struct vm vm;
	size_t ms = 0, me = 0;
	if (prog_compile(&pg, pat, plen, greedy, &emsg) < 0)
		return bad_pattern(lx, pat, &emsg);
	runes_of(&in, val, vlen);
	vm_init(&vm, &pg);
	size_t from = vm_find(&vm, &in, 0, true, &ms, &me) ? in.off[me] : 0;
	emit(lx, out, val + from, vlen - from);
	vm_free(&vm);
	runes_free(&in);
	free(pg.a);
	return 0;
}

/* reversePattern: reverses runes but keeps each "\c" pair in order. */
static void reverse_pattern(const char *pat, size_t len, struct strbuf *out)
{
	struct runes in;
	runes_of(&in, pat, len);
	int32_t *rev = xreallocarray(NULL, in.n + 1, sizeof(*rev));
	size_t last = in.n ? in.n - 1 : 0;
	for (size_t i = 0; i < in.n;) {
		size_t o = last - i;
		if (in.r[i] == '\\' && i != last) {
			rev[o - 1] = '\\';
			rev[o] = in.r[i + 1];
			i += 2;
		} else {
			rev[o] = in.r[i];
			i++;
		}
	}
	for (size_t i = 0; i < in.n; i++)
		u8_put(out, rev[i]);
	free(rev);
	runes_free(&in);
}

static void reverse_string(const char *s, size_t len, struct strbuf *out)
{
	struct runes in;
	runes_of(&in, s, len);
	for (size_t i = in.n; i > 0; i--)
		u8_put(out, in.r[i - 1]);
	runes_free(&in);
}

/* trimSuffix: reverse value and pattern, trim the prefix, reverse back. */
static int trim_suffix(struct lex *lx, const char *pat, size_t plen,
		       const char *val, size_t vlen, bool greedy,
		       struct strbuf *out)
{
	struct strbuf rp = STRBUF_INIT, rv = STRBUF_INIT, tmp = STRBUF_INIT;
	int rc;
	reverse_pattern(pat, plen, &rp);
	reverse_string(val, vlen, &rv);
	rc = trim_prefix(lx, sb_str(&rp), rp.len, sb_str(&rv), rv.len, greedy,
			 &tmp);
	if (rc == 0) {
		size_t before = out->len;
		reverse_string(sb_str(&tmp), tmp.len, out);
		lx->produced += out->len - before;
	}
	sb_release(&rp);
	sb_release(&rv);
	sb_release(&tmp);
	return rc;
}

/* The name after '$' in a Go regexp template (regexp.extract): returns its
 * group number (-1 for a name), or -2 when there is no valid name. */
static long tmpl_name(const char *s, size_t len, size_t *used)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t b = len && s[0] == '{', i = b;
	int32_t r;
	while (i < len) {
		size_t w = u8_decode(p + i, len - i, &r);
		if (!go_is_letter(r) && !go_is_digit(r) && r != '_')
			break;
		i += w;
	}
	if (i == b || (b && (i >= len || s[i] != '}')))
		return -2;
	*used = i + b;
	long num = 0;
	for (size_t k = b; k < i; k++) {
		if (s[k] < '0' || s[k] > '9' || num >= 100000000) {
			num = -1;
			break;
		}
		num = num * 10 + (s[k] - '0');
	}
	if (s[b] == '0' && i - b > 1)
		num = -1;
	return num;
}

/* Regexp.Expand of repl for one match: "$$" is '$', $0 / ${0} is the match,
 * any other valid name is empty, and a '$' without a name is kept. */
static void expand_tmpl(struct lex *lx, struct strbuf *out, const char *t,
			size_t len, const char *match, size_t mlen)
{
	while (len) {
		const char *d = memchr(t, '$', len);
		if (!d)
			break;
		emit(lx, out, t, (size_t)(d - t));
		len -= (size_t)(d - t) + 1;
		t = d + 1;
		size_t used = 0;
		long num = len && t[0] == '$' ? -3 : tmpl_name(t, len, &used);
		if (num == -3 || num == -2) {
			emit(lx, out, "$", 1);
			used = num == -3;
		} else if (num == 0) {
			emit(lx, out, match, mlen);
		}
		t += used;
		len -= used;
	}
	emit(lx, out, t, len);
}

/* regexp.ReplaceAllString: an empty match right after the previous match
 * is not replaced, and the search always moves on by at least one rune. */
static int replace_all(struct lex *lx, struct vm *vm, const struct runes *in,
		       const char *val, const char *repl, struct strbuf *out)
{
	size_t last = 0, search = 0, ms = 0, me = 0, rlen = strlen(repl);
	while (search <= in->n && vm_find(vm, in, search, false, &ms, &me)) {
		emit(lx, out, val + in->off[last], in->off[ms] - in->off[last]);
		if (me > last || ms == 0)
			expand_tmpl(lx, out, repl, rlen, val + in->off[ms],
				    in->off[me] - in->off[ms]);
		last = me;
		search = me > search ? me : search + 1;
		if (check_size(lx) < 0)
			return -1;
	}
	emit(lx, out, val + in->off[last], in->off[in->n] - in->off[last]);
	return 0;
}

static int replace(struct lex *lx, const char *val, const char *pat,
		   const char *repl, bool all, struct strbuf *out)
{
	struct strbuf emsg = STRBUF_INIT;
	struct prog pg;
	struct runes in;
	struct vm vm;
	size_t ms = 0, me = 0, vlen = strlen(val);
	int rc = 0;
	if (prog_compile(&pg, pat, strlen(pat), true, &emsg) < 0)
		return bad_pattern(lx, pat, &emsg);
	runes_of(&in, val, vlen);
	vm_init(&vm, &pg);
	if (all) {
		rc = replace_all(lx, &vm, &in, val, repl, out);
	} else if (vm_find(&vm, &in, 0, false, &ms, &me)) {
		emit(lx, out, val, in.off[ms]);
		emit(lx, out, repl, strlen(repl));
		emit(lx, out, val + in.off[me], vlen - in.off[me]);
	} else {
		emit(lx, out, val, vlen);
	}
	vm_free(&vm);
	runes_free(&in);
	free(pg.a);
	return rc;
}

/* ---- processStopOn and friends ---- */

static int stop_on(struct lex *lx, int32_t stop, bool raw, struct strbuf *res,
		   struct words *w);
static int dollar(struct lex *lx, struct strbuf *out);

static int single_quote(struct lex *lx, struct strbuf *out)
{
	int32_t ch = scan_next(&lx->sc);
	if (lx->opt->raw_quotes)
		emit_rune(lx, out, ch);
	for (;;) {
		ch = scan_next(&lx->sc);
		if (ch == SH_EOF)
			return lex_err(lx, "unexpected end of statement while "
					   "looking for matching single-quote");
		if (ch == '\'')
			break;
		emit_rune(lx, out, ch);
	}
	if (lx->opt->raw_quotes)
		emit_rune(lx, out, ch);
	return 0;
}

static bool is_escape(const struct lex *lx, int32_t ch)
{
	return ch != SH_EOF && ch == (unsigned char)lx->opt->escape;
}

/* Inside "...": only '$' expands; the escape token escapes '"', '$' and
 * itself and is otherwise kept. */
static int double_quote(struct lex *lx, struct strbuf *out)
{
	int32_t ch = scan_next(&lx->sc);
	if (lx->opt->raw_quotes)
		emit_rune(lx, out, ch);
	for (;;) {
		int32_t p = scan_peek(&lx->sc);
		if (p == SH_EOF)
			return lex_err(lx, "unexpected end of statement while "
					   "looking for matching double-quote");
		if (p == '"')
			break;
		if (p == '$') {
			if (dollar(lx, out) < 0)
				return -1;
			continue;
		}
		ch = scan_next(&lx->sc);
		if (is_escape(lx, ch)) {
			if (lx->raw_escapes)
				emit_rune(lx, out, ch);
			p = scan_peek(&lx->sc);
			if (p == SH_EOF)
				continue;
			if (p == '"' || p == '$' || is_escape(lx, p))
				ch = scan_next(&lx->sc);
		}
		emit_rune(lx, out, ch);
	}
	ch = scan_next(&lx->sc);
	if (lx->opt->raw_quotes)
		emit_rune(lx, out, ch);
	return 0;
}

/* $name: an empty name is a literal '$'. */
static int dollar_plain(struct lex *lx, struct strbuf *out)
{
	struct strbuf name = STRBUF_INIT;
	read_name(lx, &name);
	if (!name.len) {
		emit(lx, out, "$", 1);
	} else {
		const char *v = get_env(lx, sb_str(&name));
		if (v) {
			emit(lx, out, v, strlen(v));
		} else if (lx->opt->skip_unset) {
			emit(lx, out, "$", 1);
			emit(lx, out, name.buf, name.len);
		}
	}
	sb_release(&name);
	return 0;
}

/* ${name}: unset is empty, or left as written with skip_unset. */
static int brace_plain(struct lex *lx, const char *name, struct strbuf *out)
{
	const char *v = get_env(lx, name);
	if (v) {
		emit(lx, out, v, strlen(v));
	} else if (lx->opt->skip_unset) {
		emit(lx, out, "${", 2);
		emit(lx, out, name, strlen(name));
		emit(lx, out, "}", 1);
	}
	return 0;
}

/* Reads the word of a ${...} up to stop; running out of input is reported
 * as eof_msg, as BuildKit does. */
static int sub_word(struct lex *lx, int32_t stop, bool raw, struct strbuf *word,
		    const char *eof_msg)
{
	if (stop_on(lx, stop, raw, word, NULL) == 0)
		return 0;
	if (scan_peek(&lx->sc) == SH_EOF)
		lex_err(lx, "%s", eof_msg);
	return -1;
}

static int apply_modifier(struct lex *lx, const char *name, const char *v,
			  int32_t ch, const char *chs, bool null_unset,
			  const struct strbuf *word, struct strbuf *out)
{
	bool empty = !v || (null_unset && !*v);
	const char *w = sb_str(word);
	switch (ch) {
	case '-':
		emit(lx, out, empty ? w : v, empty ? word->len : strlen(v));
		return 0;
	case '+':
		if (!empty)
			emit(lx, out, w, word->len);
		return 0;
	case '?':
		if (!v)
			return lex_err(
			    lx, "%s: %s", name,
			    word->len ? w : "is not allowed to be unset");
		if (null_unset && !*v)
			return lex_err(
			    lx, "%s: %s", name,
			    word->len ? w : "is not allowed to be empty");
		emit(lx, out, v, strlen(v));
		return 0;
	case '#':
	case '%': {
		bool greedy = word->len && w[0] == ch;
		if (ch == '%')
			return trim_suffix(lx, w + greedy, word->len - greedy,
					   v ? v : "", v ? strlen(v) : 0,
					   greedy, out);
		return trim_prefix(lx, w + greedy, word->len - greedy,
				   v ? v : "", v ? strlen(v) : 0, greedy, out);
	}
	}
	return lex_err(lx, "unsupported modifier (%s) in substitution", chs);
}

/* ${name<mod>word} for - + ? # %, with or without a leading ':'. */
static int brace_modifier(struct lex *lx, const char *name, int32_t ch,
			  const char *chs, bool null_unset, struct strbuf *out)
{
	struct strbuf word = STRBUF_INIT;
	bool pattern = ch == '#' || ch == '%';
	int rc = 0;
	if (null_unset && pattern)
		return lex_err(lx, "unsupported modifier (%s) in substitution",
			       chs);
	if (sub_word(lx, '}', pattern, &word, "syntax error: missing '}'") <
	    0) {
		sb_release(&word);
		return -1;
	}
	const char *v = get_env(lx, name);
	if (!v && lx->opt->skip_unset) {
		emit(lx, out, "${", 2);
		emit(lx, out, name, strlen(name));
		emit(lx, out, chs, strlen(chs));
		emit(lx, out, sb_str(&word), word.len);
		emit(lx, out, "}", 1);
	} else {
		rc = apply_modifier(lx, name, v, ch, chs, null_unset, &word,
				    out);
	}
	sb_release(&word);
	return rc;
}

/* ${name/pattern/repl} and ${name//pattern/repl}. */
static int brace_replace(struct lex *lx, const char *name, struct strbuf *out)
{
	struct strbuf pat = STRBUF_INIT, repl = STRBUF_INIT;
	bool all = scan_peek(&lx->sc) == '/';
	int rc = -1;
	if (all)
		scan_next(&lx->sc);
	if (sub_word(lx, '/', true, &pat, "syntax error: missing '/' in ${}") <
		0 ||
	    sub_word(lx, '}', true, &repl, "syntax error: missing '}'") < 0)
		goto out;
	const char *v = get_env(lx, name);
	rc = 0;
	if (!v && lx->opt->skip_unset) {
		emit(lx, out, "${", 2);
		emit(lx, out, name, strlen(name));
		emit(lx, out, "/", 1);
		emit(lx, out, sb_str(&pat), pat.len);
		emit(lx, out, "/", 1);
		emit(lx, out, sb_str(&repl), repl.len);
		emit(lx, out, "}", 1);
	} else {
		rc = replace(lx, v ? v : "", sb_str(&pat), sb_str(&repl), all,
			     out);
	}
out:
	sb_release(&pat);
	sb_release(&repl);
	return rc;
}

/* processDollar: at '$'. */
static int dollar(struct lex *lx, struct strbuf *out)
{
	struct strbuf name = STRBUF_INIT, chs = STRBUF_INIT;
	bool null_unset = false;
	int rc;
	scan_next(&lx->sc);
	if (scan_peek(&lx->sc) != '{')
		return dollar_plain(lx, out);
	scan_next(&lx->sc);
	int32_t p = scan_peek(&lx->sc);
	if (p == SH_EOF)
		return lex_err(lx, "syntax error: missing '}'");
	if (p == '{' || p == '}' || p == ':')
		return lex_err(lx, "syntax error: bad substitution");
	read_name(lx, &name);
	int32_t ch = scan_next(&lx->sc);
	u8_put(&chs, ch);
	if (ch == ':') {
		null_unset = true;
		ch = scan_next(&lx->sc);
		u8_put(&chs, ch);
	}
	if (!null_unset && ch == '}')
		rc = brace_plain(lx, sb_str(&name), out);
	else if (null_unset || ch == '+' || ch == '-' || ch == '?' ||
		 ch == '#' || ch == '%')
		rc = brace_modifier(lx, sb_str(&name), ch, sb_str(&chs),
				    null_unset, out);
	else if (ch == '/')
		rc = brace_replace(lx, sb_str(&name), out);
	else
		rc = lex_err(lx, "unsupported modifier (%s) in substitution",
			     sb_str(&chs));
	sb_release(&name);
	sb_release(&chs);
	return rc;
}

/* Outside quotes and '$': the escape token makes the next rune literal; an
 * escape token at the very end is dropped. Returns 1 at that end. */
static int plain_char(struct lex *lx, struct strbuf *res, struct words *w)
{
	int32_t ch = scan_next(&lx->sc);
	if (is_escape(lx, ch)) {
		if (lx->raw_escapes) {
			words_raw_char(lx, w, ch);
			emit_rune(lx, res, ch);
		}
		ch = scan_next(&lx->sc);
		if (ch == SH_EOF)
			return 1;
		words_raw_char(lx, w, ch);
	} else {
		words_char(lx, w, ch);
	}
	emit_rune(lx, res, ch);
	return 0;
}

/* '$', '\'' or '"': expand it; text from '$' is split into words, quoted
 * text is not. */
static int special(struct lex *lx, int32_t ch, struct strbuf *res,
		   struct words *w)
{
	struct strbuf tmp = STRBUF_INIT;
	int rc = ch == '$'    ? dollar(lx, &tmp)
		 : ch == '\'' ? single_quote(lx, &tmp)
			      : double_quote(lx, &tmp);
	if (rc == 0) {
		emit(lx, res, sb_str(&tmp), tmp.len);
		if (ch == '$')
			words_string(lx, w, sb_str(&tmp), tmp.len);
		else
			words_raw_string(lx, w, sb_str(&tmp), tmp.len);
	}
	sb_release(&tmp);
	return rc;
}

/* processStopOn: expands up to stop (SH_EOF: the end), which is consumed. */
static int stop_on(struct lex *lx, int32_t stop, bool raw, struct strbuf *res,
		   struct words *w)
{
	bool saved = lx->raw_escapes;
	int rc = 0;
	sb_reset(&lx->wbuf); /* as BuildKit's shared wordsBuffer.Reset() */
	lx->raw_escapes = raw;
	if (++lx->depth > MAX_DEPTH) {
		rc = lex_err(lx, "variable expansion is nested too deeply");
		goto out;
	}
	for (int32_t ch = scan_peek(&lx->sc); ch != SH_EOF && rc == 0;
	     ch = scan_peek(&lx->sc)) {
		if (stop != SH_EOF && ch == stop) {
			scan_next(&lx->sc);
			words_flush(lx, w);
			goto out;
		}
		if (ch == '$' || ch == '\'' || ch == '"')
			rc = special(lx, ch, res, w);
		else
			rc = plain_char(lx, res, w);
		if (rc == 0)
			rc = check_size(lx);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (stop != SH_EOF)
		rc = lex_err(lx,
			     "unexpected end of statement while looking "
			     "for matching %c",
			     (char)stop);
	words_flush(lx, w);
out:
	lx->depth--;
	lx->raw_escapes = saved;
	return rc;
}

static int lex_run(const struct shlex *opt, const char *src,
		   const struct env_list *env, struct shlex_matches *m,
		   struct strbuf *res, struct strlist *words, struct kerr *err)
{
	struct lex lx = {.opt = opt,
			 .env = env,
			 .m = m,
			 .err = err,
			 .raw_escapes = opt->raw_escapes};
	struct words w = {words, false};
	if (!src)
		src = "";
	scan_init(&lx.sc, src, strlen(src));
	int rc = stop_on(&lx, SH_EOF, opt->raw_escapes, res, words ? &w : NULL);
	sb_release(&lx.wbuf);
	return rc;
}

int shlex_word(const struct shlex *lx, const char *src,
	       const struct env_list *env, char **out,
	       struct shlex_matches *matches, struct kerr *err)
{
	struct strbuf res = STRBUF_INIT;
	if (lex_run(lx, src, env, matches, &res, NULL, err) < 0) {
		sb_release(&res);
		return -1;
	}
	*out = sb_detach(&res, NULL);
	return 0;
}

int shlex_words(const struct shlex *lx, const char *src,
		const struct env_list *env, struct strlist *out,
		struct kerr *err)
{
	struct strbuf res = STRBUF_INIT;
	struct strlist words = STRLIST_INIT;
	int rc = lex_run(lx, src, env, NULL, &res, &words, err);
	for (size_t i = 0; rc == 0 && i < words.n; i++) {
		strlist_push_owned(out, words.v[i]);
		words.v[i] = NULL;
	}
	if (rc == 0)
		words.n = 0;
	strlist_clear(&words);
	sb_release(&res);
	return rc;
}

void shlex_matches_clear(struct shlex_matches *m)
{
	strlist_clear(&m->matched);
	strlist_clear(&m->unmatched);
}
