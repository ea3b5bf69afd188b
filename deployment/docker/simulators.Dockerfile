# syntax=docker/dockerfile:1
# The CML fleet, LDS and GradingEngine simulators (the compose `simulators` profile). Their API
# files come from the shared data folder, mounted at run time (LCM_SHARED_DATA_DIR).
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
RUN node deployment/docker/build-app.mjs tools/simulators/src/main.ts /out

FROM node:24-slim
ENV NODE_ENV=production SIM_HOST=0.0.0.0 LCM_SHARED_DATA_DIR=/shared-data
WORKDIR /app
COPY --from=build --chown=root:root /out/ ./
USER node
EXPOSE 9440 9450 9460
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9450/').then(()=>process.exit(0),()=>process.exit(1))"]
CMD ["node", "dist/tools/simulators/src/main.js"]
