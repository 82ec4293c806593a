# The gateway as a container: build with the .NET SDK image, run on the ASP.NET Core runtime image.
#   docker build -t gateway .      (or: docker compose up --build, see docker-compose.yml)
# The content root is /gateway: certs/ (dev certificate or your own), dialplan/, data/cdr.jsonl.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Gateway.Server/Gateway.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /gateway
COPY --from=build /app /app
COPY dialplan /gateway/dialplan
RUN mkdir -p /gateway/certs /gateway/data && chown -R $APP_UID /gateway/certs /gateway/data
USER $APP_UID
ENV Cdr__Path=/gateway/data/cdr.jsonl
# HTTPS (dialer, /ws, /metrics), SIP UDP/TCP, SIP TLS, media (Media:PortMin..PortMax).
EXPOSE 8443/tcp 5060/udp 5060/tcp 5061/tcp 20000-29999/udp
VOLUME ["/gateway/certs", "/gateway/data"]
ENTRYPOINT ["dotnet", "/app/gateway.dll"]
