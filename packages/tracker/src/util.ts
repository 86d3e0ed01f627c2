/** Helpers shared by every module. Tiny on purpose: each byte here ships to every page. */

/** 0 stopped (opted out, privacy signal, no key), 1 recording, -1 starting (state not loaded yet). */
export let recording = 0;
export const setRecording = (value: number) => {
  recording = value;
};

/** Runs `fn`, swallowing anything it throws: no error may ever reach the host page. */
export const guard =
  <Args extends unknown[], Result>(fn: (...args: Args) => Result) =>
  (...args: Args): Result | undefined => {
    try {
      return fn(...args);
    } catch {}
  };

export const listen = (type: string, handler: (event: Event) => unknown, capture?: boolean) =>
  addEventListener(type, guard(handler), capture);

export const now = () => Date.now();

/**
 * Random v4 UUID: the path of a new blob URL, which the File API makes a random UUID (from a secure random source,
 * as crypto.randomUUID; that one is missing on insecure http origins, and this costs fewer bytes than both). The
 * empty blob stays registered until the page unloads: a few bytes per id, a few ids per page.
 */
export const uuid = (): string => URL.createObjectURL(new Blob()).slice(-36);

/** Looks like an email address; the collector checks it exactly (an address it refuses is simply not used). */
export const isEmail = (value?: string) => /^\S+@\S+\.\S\S+$/.test(value!);
