/**
 * What a WeakMap keyed by objects holds, stamped onto each object instead, in a private field: V8
 * adds it as it adds any property, where a WeakMap's entries cost a lookup in a table of their own
 * (a fifth of the parse of a 10,000-block chain, when the parse's texts were kept in one). Nothing
 * but the stamp's own get sees the field: not Object.keys, Reflect.ownKeys, toEqual,
 * JSON.stringify or structuredClone (a clone has no stamp). Like a WeakMap's entry, it lives as
 * long as the object does.
 */
export interface Stamps<T> {
  get(object: object): T | undefined;
  set(object: object, value: T): void;
}

/** Its constructor hands back the object it is given, so that `new Subclass(object)` stamps that object. */
class Stamp {
  constructor(object: object) {
    return object;
  }
}

/** A new kind of stamp: each call makes a class of its own, whose private field no other kind shares. */
export function stamps<T>(): Stamps<T> {
  class Stamped extends Stamp {
    #value: T | undefined;

    static get(object: object): T | undefined {
      return #value in object ? object.#value : undefined;
    }

    static set(object: object, value: T): void {
      if (#value in object) object.#value = value;
      else new Stamped(object).#value = value;
    }
  }
  return Stamped;
}
