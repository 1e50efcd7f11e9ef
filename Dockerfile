# kith built from this repository: `docker build -t kith .`, or `docker compose up` with docker-compose.yml.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -pl cli -am package

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 kith
COPY --from=build /src/cli/target/kith.jar /opt/kith/kith.jar
USER kith
EXPOSE 8443 50051
ENTRYPOINT ["java", "-jar", "/opt/kith/kith.jar"]
CMD ["serve"]
