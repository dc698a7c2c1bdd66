import type { NotificationMessage } from './notificationMessage.js';

/**
 * Where messages go: the built-in channel stores them (TableNotificationChannel); an email or
 * push channel would implement the same interface. Delivery is at-least-once (an event may be
 * handled again after a failure), so a channel delivers a given (eventId, recipient, kind) once.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Resolves true when the message was delivered now, false when it had been delivered before. */
  deliver(message: NotificationMessage): Promise<boolean>;
}
