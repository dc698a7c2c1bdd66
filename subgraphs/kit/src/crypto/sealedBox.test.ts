import { describe, expect, it } from 'vitest';
import { SealedBox } from './sealedBox.js';

describe('SealedBox', () => {
  const box = new SealedBox('key material', 'test-secrets/v1');

  it('opens what it sealed for the same record, and nothing in clear is kept', () => {
    const sealed = box.seal('s3cret-value', 'record-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed, 'record-1')).toBe('s3cret-value');
    // A fresh IV each time: sealing twice gives two texts.
    expect(box.seal('s3cret-value', 'record-1')).not.toBe(sealed);
  });

  it('does not open for another record, another purpose, another key, or after tampering', () => {
    const sealed = box.seal('s3cret-value', 'record-1');
    expect(box.open(sealed, 'record-2')).toBeNull();
    expect(new SealedBox('key material', 'other-secrets/v1').open(sealed, 'record-1')).toBeNull();
    expect(new SealedBox('other key material', 'test-secrets/v1').open(sealed, 'record-1')).toBeNull();
    const [version, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(box.open([version, iv, tag, flipped.toString('base64url')].join('.'), 'record-1')).toBeNull();
    expect(box.open('v2.' + sealed.slice(3), 'record-1')).toBeNull();
    expect(box.open('not sealed at all', 'record-1')).toBeNull();
  });
});
