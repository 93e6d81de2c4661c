// `node --import ./tests/explorer/register.mjs ...` installs noble-hooks.mjs before the main module.
import { register } from 'node:module';

register('./noble-hooks.mjs', import.meta.url);
