// The ports' codes are listed in the engine's one code list (engine/src/errors/codes.ts); this path stays for imports.
export { PORT_ERROR_CODES } from '../errors/codes.js';
