// undici is about a megabyte of JavaScript: evaluating it was most of the extension's activation
// time (the view only needs it once a registry is contacted). So it is loaded on first use, not
// when a module that mentions it is imported. The extension bundle keeps it in a file of its own
// (scripts/build.mjs), so not even its parse is paid at startup.
import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

export function undici(): typeof Undici {
  // A synchronous require, not import(): the HTTP clients build their Agent in a constructor.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('undici') as typeof Undici;
  return loaded;
}
