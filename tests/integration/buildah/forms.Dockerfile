# RUN in shell and exec form; ARG (with a default, and overridden by
# --build-arg) and ENV seen by RUN; SHELL; WORKDIR, relative and absolute;
# the config instructions (LABEL EXPOSE VOLUME STOPSIGNAL ENTRYPOINT CMD).
ARG BASE
FROM $BASE
ARG GREETING=hello
ARG OVERRIDE=default
ENV WHO=world NESTED=/opt/$GREETING
RUN echo "$GREETING $WHO $OVERRIDE $NESTED" >/greeting
RUN ["/bin/sh", "-c", "echo $WHO >/exec-shell"]
RUN ["/bin/touch", "/exec-direct"]
RUN env | grep -E '^(GREETING|OVERRIDE|WHO|NESTED|PATH)=' | sort >/env
RUN echo "${SOURCE_DATE_EPOCH-unset}" >/sde
SHELL ["/bin/sh", "-ec"]
RUN echo "$0 $-" >/shell
WORKDIR /w1
WORKDIR w2/w3
RUN pwd >here && echo relative >./rel
ENV WHO=changed
RUN echo "$WHO" >/w1/late
LABEL org.example.case=forms
EXPOSE 8080 53/udp
VOLUME /vol
STOPSIGNAL SIGINT
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo done"]
