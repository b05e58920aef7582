# The gateway in production: compiled JavaScript on Node.js 24, production
# dependencies only (no TypeScript, tsx or esbuild at run time), and no
# download beyond npm packages.

# Build: every dependency, the Prisma client generated at install, then tsc to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build

# Run: production dependencies (install scripts skipped: the client is already
# compiled into dist/), the migrations, and dist/.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 PORT=4000
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# Migrations run at start (prisma migrate deploy takes a lock, so instances
# starting together do not race). A young generation of 16 MB semi-spaces
# keeps the resident set about 100 MB lower under load (docs/operations.md).
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
