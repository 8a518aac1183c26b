// The explorer page's signed-message.js, run as the browser runs it (an ES module in its own
// context), against the vectors an independent Ed25519 implementation made: the page must write
// the very text the node verifies, and its signatures must check out with WebCrypto.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, SourceTextModule } from 'node:vm';
import { pageDir } from '../../src/explorer/page-files.ts';
import { signedMessage as nodeMessage } from '../../src/chain/signed-rules.ts';
import { PyFloat } from '../../src/chain/py-json.ts';
import { signedVectors } from '../support/signed.ts';

interface PageMessage {
  signedMessage(fields: object): { ok: true; message: string; amount: string } | { ok: false; reason: string };
  signedBody(fields: object): string;
  pythonNumber(token: string): string | undefined;
  fromHex(hex: string): Uint8Array;
}

async function loadSignedMessage(): Promise<PageMessage> {
  if (typeof SourceTextModule !== 'function') throw new Error('run jest with NODE_OPTIONS=--experimental-vm-modules');
  const source = readFileSync(join(pageDir(), 'signed-message.js'), 'utf8');
  const module = new SourceTextModule(source, { context: createContext({}) });
  await module.link(() => {
    throw new Error('signed-message.js imports nothing');
  });
  await module.evaluate();
  return module.namespace as unknown as PageMessage;
}

describe("the page's signed message", () => {
  let page: PageMessage;
  beforeAll(async () => {
    page = await loadSignedMessage();
  });

  const vectors = [signedVectors.example, ...signedVectors.valid];

  test.each(vectors.map((vector) => [vector.message, vector]))("is the vector's text: %s", async (_message, vector) => {
    // The page reads amounts as the text the node wrote (dom.js parse), so it is given the text here.
    const written = page.signedMessage({ ...vector, amount: String(vector.amount) });
    expect(written).toEqual({ ok: true, message: vector.message, amount: String(vector.amount) });
    const key = await crypto.subtle.importKey('raw', page.fromHex(vector.sender), { name: 'Ed25519' }, false, ['verify']);
    const good = (message: string) =>
      crypto.subtle.verify('Ed25519', key, page.fromHex(vector.signature), new TextEncoder().encode(message));
    expect(await good(written.ok ? written.message : '')).toBe(true);
    expect(await good(vector.message.replace(`"amount": ${vector.amount}`, `"amount": ${vector.amount}0`))).toBe(false);
  });

  test('keeps an amount in the form the node signs and hashes it: 5 and 5.0 differ, as Python writes them', () => {
    const { sender, recipient } = signedVectors.example;
    for (const [token, python] of [
      ['5', 5],
      ['5.0', new PyFloat(5)],
      ['5.00', new PyFloat(5)],
      ['5e0', new PyFloat(5)],
      ['2.50', 2.5],
      ['1e16', new PyFloat(1e16)],
      ['0.00001', 0.00001],
      ['123456789012345678901234567890', 123456789012345678901234567890n],
    ] as const) {
      const written = page.signedMessage({ sender, recipient, amount: token, nonce: 3 });
      expect({ token, message: written.ok ? written.message : written.reason }).toEqual({
        token,
        message: nodeMessage({ sender, recipient, amount: python as number, nonce: 3 }),
      });
    }
    expect(page.pythonNumber('5.0')).toBe('5.0');
    expect(page.pythonNumber('5')).toBe('5');
  });

  test('refuses what the node refuses before any signature is looked at, with a reason', () => {
    const { sender, recipient } = signedVectors.example;
    const base = { sender, recipient, amount: '5', nonce: 1 };
    expect(page.signedMessage({ ...base, sender: 'alice' })).toEqual({ ok: false, reason: 'the sender is not an address (64 hex digits)' });
    expect(page.signedMessage({ ...base, recipient: recipient.toUpperCase() })).toMatchObject({ ok: false });
    expect(page.signedMessage({ ...base, amount: 'five' })).toEqual({ ok: false, reason: 'the amount is not a number' });
    expect(page.signedMessage({ ...base, nonce: 0 })).toEqual({ ok: false, reason: 'the nonce is not a whole number from 1' });
    expect(page.signedMessage({ ...base, nonce: 1.5 })).toMatchObject({ ok: false });
  });

  test('writes the POST body with the signed amount as it was signed', () => {
    const { sender, recipient, signature } = signedVectors.example;
    const body = page.signedBody({ sender, recipient, amount: '5.0', nonce: 2, signature });
    expect(body).toBe(`{"sender":"${sender}","recipient":"${recipient}","amount":5.0,"nonce":2,"signature":"${signature}"}`);
    expect(JSON.parse(body)).toEqual({ sender, recipient, amount: 5, nonce: 2, signature });
  });
});
