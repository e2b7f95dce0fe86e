# A user added to /etc/passwd and /etc/group, then USER by name and by
# uid:gid: what RUN writes is theirs; WORKDIR made under a non-root USER
# belongs to that user (as BuildKit and Buildah make it).
ARG BASE
FROM $BASE
RUN echo 'app:x:1000:1000::/home/app:/bin/sh' >>/etc/passwd && echo 'app:x:1000:' >>/etc/group && echo 'extra:x:2000:app' >>/etc/group && mkdir -p /home/app/work && chown -R app:app /home/app
USER app
WORKDIR /home/app/work
RUN touch mine && id -u >uid && id -g >gid && id -G >groups && mkdir sub && echo x >sub/f && echo "$HOME" >home
USER 1000:0
RUN touch /home/app/gid0 && id -G >/home/app/groups-1000-0 && echo "$HOME" >/home/app/home-1000-0
USER root
RUN chown -R 1000:1000 /home/app/work/sub && chmod 2775 /home/app/work/sub && id -u >/uid-root && echo "$HOME" >/home-root
USER app
WORKDIR /home/app/made/by/workdir
