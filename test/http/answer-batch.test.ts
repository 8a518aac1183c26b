import { AnswerBatch } from '../../src/http/answer-batch.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('AnswerBatch', () => {
  test('writes nothing while the turn lasts, then every answer of it, in the order they were added', async () => {
    const written: string[] = [];
    const batch = new AnswerBatch(() => undefined);
    batch.add(() => written.push('a'));
    batch.add(() => written.push('b'));
    await Promise.resolve();
    expect(written).toEqual([]);
    await nextTurn();
    expect(written).toEqual(['a', 'b']);
    batch.add(() => written.push('c'));
    await nextTurn();
    expect(written).toEqual(['a', 'b', 'c']);
  });

  test('a write that throws is reported and does not stop the writes after it', async () => {
    const written: string[] = [];
    const reported: unknown[] = [];
    const batch = new AnswerBatch((error) => reported.push(error));
    const bug = new Error('writeHead threw');
    batch.add(() => {
      throw bug;
    });
    batch.add(() => written.push('after'));
    await nextTurn();
    expect(reported).toEqual([bug]);
    expect(written).toEqual(['after']);
  });
});
