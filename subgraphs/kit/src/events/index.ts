export * from './topics.js';
export * from './domainEvent.js';
export * from './recordEvents.js';
export * from './eventBus.js';
export * from './eventMetrics.js';
export * from './createEventBus.js';
export * from './outboxRelay.js';
export { PostgresEventBus, type PostgresEventBusOptions } from './postgresEventBus.js';
export { RedisEventBus, type RedisEventBusOptions } from './redisEventBus.js';
