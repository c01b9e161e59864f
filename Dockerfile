# One image for the gateway (the default command) and the workers (docker-compose.yml picks the command).
# Node.js 22 LTS on Debian bookworm (glibc, which the Temporal SDK's native core needs); the minor is pinned.
FROM node:22.23-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compile, then drop the dev dependencies so only runtime packages reach the final image, and the Temporal
# core binaries of other platforms (the SDK ships five, ~28 MB each; this image needs its own arch's).
RUN npm run build && npm prune --omit=dev \
  && cd node_modules/@temporalio/core-bridge/releases \
  && test -d "$(uname -m)-unknown-linux-gnu" \
  && ls | grep -vx "$(uname -m)-unknown-linux-gnu" | xargs -r rm -rf

FROM node:22.23-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# Files stay owned by root and the process runs as the image's unprivileged `node` user, so a compromised
# process cannot rewrite its own code or dependencies.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
# Liveness of the gateway's HTTP server (Node's built-in fetch; the slim image has no curl). The workers
# override this in docker-compose.yml with their metrics endpoint.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/gateway.js"]
