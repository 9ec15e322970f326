# One image for every part: `digitstream <subcommand>` (see docker-compose.yml).
# Build stage: Maven on JDK 17.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl demo -am package -DskipTests \
 && mvn -B -q -pl demo dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp demo/target/demo-*.jar /out/lib/

# Runtime stage: a glibc-based JRE (ND4J's natives do not load on Alpine/musl).
FROM eclipse-temurin:17-jre-jammy
RUN useradd --create-home --uid 10001 digitstream && mkdir -p /data /models && chown digitstream /data /models
COPY --from=build /out/lib /app/lib
USER digitstream
WORKDIR /home/digitstream
# OMP_WAIT_POLICY=PASSIVE: ND4J's OpenMP threads sleep at a barrier instead of spinning first;
# training ran 16 % faster that way on a 2-core machine (docs/BENCHMARKS.md, Training).
ENV DIGITSTREAM_DATA_DIR=/data DIGITSTREAM_MODEL_DIR=/models OMP_WAIT_POLICY=PASSIVE \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -Dorg.bytedeco.javacpp.cachedir=/home/digitstream/.javacpp"
ENTRYPOINT ["java", "-cp", "/app/lib/*", "io.digitstream.demo.DemoApp"]
CMD ["--help"]
