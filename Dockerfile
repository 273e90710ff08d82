# rayguard container image.
#   docker build -t rayguard:0.1.0 .
# Stage 1 builds on Debian 12 from Debian packages (scripts/setup), like CI.
# The RayCronJob time zone names come from that stage's tzdata and are
# compiled into the binary (cmake/time_zones.cmake), so stage 2 needs no
# /usr/share/zoneinfo.
# Stage 2 is an empty image holding only what scripts/image-rootfs lays out:
# the binary, the shared libraries ldd names, the loader, the bundled
# schemas/ and policies/, and /etc/passwd for user 65532. No shell, no
# package manager. tests/deploy/image_root_test.cc runs `rayguard serve`
# chrooted into that same layout, which is how this file's runtime half is
# tested where no container engine runs.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/setup scripts/setup
RUN ./scripts/setup && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DRAYGUARD_BUILD_TESTS=OFF -DRAYGUARD_BUILD_BENCH=OFF \
 && cmake --build /build --target rayguard \
 && ./scripts/image-rootfs /build/webhook/cli/rayguard /rootfs

FROM scratch
COPY --from=build /rootfs/ /
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/rayguard"]
# The manifests pass their own arguments; these serve the bundled schemas and
# policies with a pair mounted at /etc/rayguard/tls.
CMD ["serve", "--listen=0.0.0.0:8443", \
     "--tls-cert=/etc/rayguard/tls/tls.crt", "--tls-key=/etc/rayguard/tls/tls.key", \
     "--schemas=/usr/share/rayguard/schemas", \
     "--policies=/usr/share/rayguard/policies"]
