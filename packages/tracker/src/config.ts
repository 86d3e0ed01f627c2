/** Reads the embed's script tag: data-key, data-api (default: the script's own origin), data-honor-dnt. */
import type { Options } from './api.ts';

export const config = (): Options => {
  const script = (document.currentScript || document.querySelector('script[data-key]')) as HTMLScriptElement;
  // dataset brings key, api and honorDnt (a string: only 'false' turns the privacy signals off).
  return { api: new URL(script.src).origin, ...script.dataset } as unknown as Options;
};
