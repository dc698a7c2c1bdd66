# One image for every Shopgraph service; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY gateway/package.json gateway/
COPY subgraphs/kit/package.json subgraphs/kit/
COPY subgraphs/product/package.json subgraphs/product/
COPY subgraphs/inventory/package.json subgraphs/inventory/
COPY subgraphs/cart/package.json subgraphs/cart/
COPY subgraphs/order/package.json subgraphs/order/
COPY subgraphs/recommendation/package.json subgraphs/recommendation/
COPY prisma prisma
COPY prisma.config.ts ./
# devDependencies too: services run TypeScript through tsx, and migrate/seed use the Prisma CLI.
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
# Bundle the playground while node_modules is still writable (the service runs as `node`).
RUN node --import tsx gateway/src/playground/prebuildPlayground.ts
# Product images (MEDIA_DIR): a named volume mounted here starts out owned by the service user.
RUN mkdir -p /var/lib/shopgraph/media && chown node:node /var/lib/shopgraph/media
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["node", "--import", "tsx", "gateway/src/index.ts"]
