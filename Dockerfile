# syntax=docker/dockerfile:1
# One image for every part: `digitstream <command>` (see docker-compose.yml), for linux/amd64 and
# linux/arm64 (docker buildx build --platform linux/amd64,linux/arm64 .).

# Build stage: the repository's own build (scripts/build-dist.sh, which CI also runs on a fresh
# clone). It runs on the platform being built for, so Maven takes that platform's natives; the
# Maven repository is a cache mount, kept between builds.
FROM maven:3.9-eclipse-temurin-17 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 scripts/build-dist.sh "${TARGETARCH:-amd64}"

# Runtime stage: a glibc-based JRE (ND4J's natives do not load on Alpine/musl). It has curl, which
# the compose files' healthchecks use: a JVM per check would cost each container over 3 s of CPU
# every 10 s (docs/BENCHMARKS.md, C1).
FROM eclipse-temurin:17-jre-jammy
# libgomp1: ND4J's linux-arm64 natives link GCC's OpenMP runtime, which the base lacks (the x86-64
# build loads without it); .ci/arm64-check found it when it first ran the arm64 image
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 digitstream \
 && mkdir -p /data /models /state /keys \
 && chown digitstream /data /models /state /keys
COPY --from=build /src/app/target/digitstream /opt/digitstream
# on the PATH through a link: the launcher finds its jars from its real location
RUN ln -s /opt/digitstream/bin/digitstream /usr/local/bin/digitstream
USER digitstream
WORKDIR /home/digitstream
# OMP_WAIT_POLICY=PASSIVE: ND4J's OpenMP threads sleep at a barrier instead of spinning first;
# training ran 11-16 % faster that way on 2 cores (docs/BENCHMARKS-HISTORY.md, Training).
ENV DIGITSTREAM_DATA_DIR=/data DIGITSTREAM_MODEL_DIR=/models DIGITSTREAM_STATE_DIR=/state OMP_WAIT_POLICY=PASSIVE \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -Djdk.serialFilter=!* -Dorg.bytedeco.javacpp.cachedir=/home/digitstream/.javacpp"
# Deeplearning4j's natives unpacked once, into the image: otherwise every container unpacks them
# (about 0.4 GB) into its own writable layer before it can serve (docs/ARCHITECTURE.md, Containers).
RUN digitstream natives
ENTRYPOINT ["digitstream"]
CMD ["--help"]
