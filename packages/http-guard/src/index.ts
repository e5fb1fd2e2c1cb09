// @hearth/http-guard: what `hearth serve` (@hearth/model) and `hearth mcp serve` (@hearth/mcp) check on
// every request before routing it. Its own package because neither server's package may import the other.
export {
  createHttpGuard,
  type HttpGuardOptions,
  type HttpRefusal,
  isLoopbackHost,
  MIN_TOKEN_LENGTH,
  weakTokenReason,
} from './http-guard.js';
