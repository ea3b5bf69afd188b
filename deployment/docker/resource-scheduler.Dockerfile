# syntax=docker/dockerfile:1
# resource-scheduler (a reconciler; admin API, probes and /metrics on port 8081). Build from the repository root:
#   docker build -f deployment/docker/resource-scheduler.Dockerfile -t lcm/resource-scheduler .
# The build stage runs deployment/docker/build-app.mjs, the same command the tests run on machines
# without Docker (deployment/src/images.int-spec.ts).
FROM node:24-slim AS build
ENV CI=true PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN corepack enable
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/ apps/
COPY libs/ libs/
COPY tools/ tools/
COPY deployment/docker/ deployment/docker/
COPY tsconfig.base.json ./
RUN pnpm install --frozen-lockfile
RUN node deployment/docker/build-app.mjs apps/resource-scheduler/src/main.ts /out

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8081
WORKDIR /app
COPY --from=build --chown=root:root /out/ ./
USER node
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/resource-scheduler/src/main.js"]
