# syntax=docker/dockerfile:1
# control-plane-api with the built dashboard. Build from the repository root:
#   docker build -f deployment/docker/control-plane-api.Dockerfile -t lcm/control-plane-api .
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
# The dashboard is optional: built when its sources are in the tree, to apps/dashboard/dist.
RUN if [ -f apps/dashboard/project.json ]; then pnpm exec nx run dashboard:build --outputStyle=static; fi && mkdir -p apps/dashboard/dist
RUN node deployment/docker/build-app.mjs apps/control-plane-api/src/main.ts /out \
 && mkdir -p /out/dist/apps/dashboard && cp -r apps/dashboard/dist /out/dist/apps/dashboard/dist

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8020
WORKDIR /app
COPY --from=build --chown=root:root /out/ ./
USER node
EXPOSE 8020
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/control-plane-api/src/main.js"]
