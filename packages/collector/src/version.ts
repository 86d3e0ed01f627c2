/** The collector's version, as its package states it: reported by the MCP server and the OpenAPI document. */
import packageJson from '../package.json' with { type: 'json' };

export const SERVER_VERSION: string = packageJson.version;
