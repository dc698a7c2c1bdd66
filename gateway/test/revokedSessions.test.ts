import { describe, expect, it } from 'vitest';
import { REVOCATION_MARGIN_SECONDS, RevokedSessions } from '../src/auth/revokedSessions.js';

/** The gateway's in-memory list of ended sessions, on a clock the test moves. */
describe('RevokedSessions', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
  };

  it('knows nothing until the backfill is loaded, then lists what was revoked before and after', () => {
    const time = clock();
    const sessions = new RevokedSessions(time.now);
    sessions.revoke(['early']);
    expect(sessions.stateOf('early')).toBe('unknown');
    expect(sessions.stateOf('other')).toBe('unknown');
    sessions.load(900, ['backfilled']);
    expect(sessions.loaded).toBe(true);
    expect(['early', 'backfilled', 'other'].map((id) => sessions.stateOf(id))).toEqual(['revoked', 'revoked', 'active']);
  });

  it('keeps each session only until its tokens have expired (TTL plus the margin), dropping old entries as new ones come', () => {
    const time = clock();
    const sessions = new RevokedSessions(time.now);
    sessions.load(900, ['a']);
    time.advance(900 + REVOCATION_MARGIN_SECONDS);
    expect(sessions.stateOf('a')).toBe('revoked');
    sessions.revoke(['b']);
    time.advance(1);
    expect(sessions.stateOf('a')).toBe('active');
    expect(sessions.stateOf('b')).toBe('revoked');
    time.advance(900 + REVOCATION_MARGIN_SECONDS);
    sessions.revoke(['c']);
    // b expired and was swept when c came in; c is all that is held.
    expect(sessions.size).toBe(1);
    expect(sessions.stateOf('c')).toBe('revoked');
  });

  it('tells listeners of each revocation', () => {
    const sessions = new RevokedSessions();
    const heard: string[][] = [];
    const stop = sessions.onRevoked((ids) => heard.push([...ids]));
    sessions.revoke(['x', 'y']);
    stop();
    sessions.revoke(['z']);
    expect(heard).toEqual([['x', 'y']]);
  });
});
