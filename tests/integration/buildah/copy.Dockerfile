# COPY and ADD from the context: plain, --chown by name and by id,
# --chmod, directories, a symlink, new parent directories, a local tar.
ARG BASE
FROM $BASE
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >>/etc/passwd && echo 'app:x:1000:' >>/etc/group
COPY a.txt run.sh /dst/
COPY --chown=app:app dir /dst/dir/
COPY --chown=1234:5678 --chmod=600 a.txt /dst/owned
COPY --chmod=755 a.txt /dst/exe
COPY link /dst/link
COPY private /dst/private
COPY dir/ /new/parent/deep/
COPY --chown=app a.txt /new/byname
ADD archive.tar /unpacked/
RUN stat -c '%n %a %u %g' /dst/a.txt /dst/run.sh /dst/owned /dst/exe /dst/link /dst/dir/* /unpacked/* /unpacked/x/* >/listing && cat /dst/link >/via-link
