/* commands: one function per kiln sub-command; each returns the exit code. */
#ifndef KILN_COMMANDS_H
#define KILN_COMMANDS_H

int cmd_parse(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_vendor(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
