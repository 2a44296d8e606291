import Dexie from 'dexie';
import { openDatabase, type ConvOpsDatabase } from '@/lib/db/database';
import {
  addPublicKeyFromFile,
  exportOwnPublicKey,
  forgetKnownKey,
  groupedFingerprint,
  listPublicKeys,
  markKeyKnown,
  ownSigningKey,
  signHash,
  verifyHashSignature,
} from '@/lib/db/signing';
import { useFreshDb } from './helpers';

const ctx = useFreshDb();

async function otherDatabase<T>(run: (db: ConvOpsDatabase) => Promise<T>): Promise<T> {
  const db = openDatabase(`convops-keys-${Date.now()}-${Math.random()}`);
  try {
    return await run(db);
  } finally {
    db.close();
    await Dexie.delete(db.name);
  }
}

describe('signing keys', () => {
  it('one key per browser, made once, its private half not extractable', async () => {
    const [a, b] = await Promise.all([ownSigningKey(ctx.db), ownSigningKey(ctx.db)]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', a.privateKey)).rejects.toThrow();
    expect(await listPublicKeys(ctx.db)).toEqual([expect.objectContaining({ fingerprint: a.fingerprint, own: true, known: true })]);
    const signature = await signHash(a, 'f'.repeat(64));
    expect(await verifyHashSignature(a.publicKey, 'f'.repeat(64), signature.value)).toBe(true);
    expect(await verifyHashSignature(a.publicKey, 'e'.repeat(64), signature.value)).toBe(false);
    expect(await verifyHashSignature('not base64!', 'e'.repeat(64), signature.value)).toBe(false);
    expect(groupedFingerprint('abcdef12')).toBe('abcd ef12');
  });

  it("a colleague's key file is added as seen, marked known by the person, and can be forgotten", async () => {
    const file = await otherDatabase(async (db) => exportOwnPublicKey(db, 'Dana'));
    const row = await addPublicKeyFromFile(ctx.db, JSON.parse(JSON.stringify(file)));
    expect(row).toMatchObject({ fingerprint: file.key.fingerprint, known: false, names: ['Dana'] });
    await expect(markKeyKnown(ctx.db, row.fingerprint, '  ')).rejects.toThrow(/Give the name/);
    await expect(markKeyKnown(ctx.db, 'a'.repeat(64), 'Dana')).rejects.toThrow(/No key/);
    await markKeyKnown(ctx.db, row.fingerprint, 'Dana Lead');
    expect((await listPublicKeys(ctx.db)).find((r) => r.fingerprint === row.fingerprint)).toMatchObject({ known: true, knownAs: 'Dana Lead' });
    await forgetKnownKey(ctx.db, row.fingerprint);
    expect((await listPublicKeys(ctx.db)).find((r) => r.fingerprint === row.fingerprint)).toMatchObject({ known: false });
    expect((await listPublicKeys(ctx.db)).find((r) => r.fingerprint === row.fingerprint)).not.toHaveProperty('knownAs');
  });

  it('refuses a key file whose fingerprint does not match its key, or that is not a key file', async () => {
    const file = await otherDatabase(async (db) => exportOwnPublicKey(db, 'Dana'));
    const lying = { ...file, key: { ...file.key, fingerprint: 'b'.repeat(64) } };
    await expect(addPublicKeyFromFile(ctx.db, lying)).rejects.toThrow(/fingerprint does not match/);
    await expect(addPublicKeyFromFile(ctx.db, { format: 'other' })).rejects.toThrow(/not a ConvOps public key file/);
    expect(await ctx.db.publicKeys.count()).toBe(0);
  });
});
