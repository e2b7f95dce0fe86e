# Deleting what the base or an earlier step made: files, symlinks, whole
# directories (removed, and removed then re-created: opaque), a file that
# becomes a directory and a symlink that becomes a file; hard links, a
# setuid bit, chmod and chown of a base directory.
ARG BASE
FROM $BASE
RUN mkdir -p /data/sub/deeper /data/keep && echo a >/data/sub/a && echo d >/data/sub/deeper/d && echo b >/data/keep/b && echo c >/data/c && ln -s c /data/link && echo old >/data/keep/old
RUN rm /etc/group /bin/vi && rm -r /data/sub && rm /data/link && echo new >/data/link
RUN rm -rf /data/keep && mkdir /data/keep && echo fresh >/data/keep/fresh
RUN rm /data/c && mkdir /data/c && echo inside >/data/c/inside && ln /data/c/inside /data/hard
RUN cp /bin/busybox /data/suid && chmod 4755 /data/suid && chmod 700 /data && chown 3:4 /etc && rm /bin/ls && ln -s /bin/busybox /bin/ls
