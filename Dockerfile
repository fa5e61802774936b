# scmpki: one image for the server, the SCM simulator, the CLI and the agent.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data /seal /run/scmpki && chown node:node /data /seal /run/scmpki
USER node
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["help"]
