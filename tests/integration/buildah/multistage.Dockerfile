# Multi-stage: stages by name and by index, a stage built FROM another one
# (with a deletion), COPY --from of directories, single files, --chown.
ARG BASE
FROM $BASE AS build
RUN mkdir -p /out/bin /out/etc && echo built >/out/etc/conf && echo gone >/out/etc/gone && cp /bin/busybox /out/bin/echo && chmod 750 /out/bin/echo && chown 5:6 /out/etc/conf && ln -s echo /out/bin/alias

FROM $BASE AS other
RUN echo other >/other.txt

FROM build AS derived
RUN rm /out/etc/gone && echo derived >/out/etc/more

FROM $BASE
COPY --from=derived /out /app
COPY --from=build /out/etc/conf /single
COPY --from=1 /other.txt /
COPY --from=build --chown=7:8 /out/bin /bin2/
COPY --from=build /out/etc/gone /restored/
RUN /app/bin/echo ran >/ran && cat /app/etc/conf /app/etc/more >>/ran && ls /app/etc >/app-etc
