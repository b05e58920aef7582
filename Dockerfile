# The gateway in production: Node.js 24, dependencies installed with no
# download beyond npm packages (the Prisma client is generated at install).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 PORT=4000
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
USER node
EXPOSE 4000
# Migrations run at start (prisma migrate deploy takes a lock, so instances
# starting together do not race).
CMD ["node", "--import", "tsx", "src/main.ts"]
