// Prisma CLI configuration. The CLI runs on its Wasm schema engine with a JS driver
// adapter, so migrate works offline (no native engine download).
import { defineConfig } from 'prisma/config';
// The 7.x adapter reads Postgres `name` columns that the 6.19 adapter cannot (migrate deploy needs it).
import { PrismaPg } from 'prisma-adapter-pg-7';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/shopgraph';
// schema.prisma keeps `url = env("DATABASE_URL")`: without a value the 6.19 CLI falls
// back to downloading its native engine, so give it one.
process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;

function connectionFields(url: string) {
  const u = new URL(url);
  // Discrete fields, not a connectionString, so a shadow database gets its own name.
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
  };
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg(connectionFields(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL)),
});
