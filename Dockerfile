# grantflow API and worker (one image, two commands).

# The dashboard is built with the dev dependencies (Vite, Preact, uPlot); only its output ships.
FROM node:20.20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY domain ./domain
COPY api ./api
COPY web ./web
RUN npm run build:web

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY tsconfig.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY db ./db
COPY domain ./domain
COPY server ./server
COPY --from=web /app/web/dist ./web/dist
USER node
ENV HOST=0.0.0.0 PORT=3000 GRANTFLOW_DATA_DIR=/tmp/grantflow
EXPOSE 3000
CMD ["node", "--import", "tsx", "server/api-main.ts"]
