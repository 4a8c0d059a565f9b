# grantflow API and worker (one image, two commands).
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
USER node
ENV HOST=0.0.0.0 PORT=3000 GRANTFLOW_DATA_DIR=/tmp/grantflow
EXPOSE 3000
CMD ["node", "--import", "tsx", "server/api-main.ts"]
