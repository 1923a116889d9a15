// Package transport is the one HTTP stack of the hrisconnect providers: every request a
// provider client sends goes through a [Client].
//
// # One call, one budget
//
// Each call of [Client.Do] or [Client.DoJSON] is one logical call, and Config.MaxAttempts
// bounds the requests it sends in all, whatever fails. go-retryablehttp runs the attempts
// the way it is built: RetryMax is MaxAttempts-1 (0 for requests that are not
// idempotent), CheckRetry decides from the answer alone, Backoff computes each wait, and
// the ErrorHandler turns the last answer or failure into the returned error, with the
// number of tries. Its own logger is silenced (it prints query strings); the client logs
// through the optional *slog.Logger: one Debug record per request, one Info record per
// retry, never headers, bodies or credentials.
//
// Under retryablehttp, each call has its own round tripper (the call's state lives there,
// not in the context). For every attempt and redirect hop it refuses URLs off the
// BaseURL's origin, waits for the client's turn (see Rate limiting), adds credentials
// through the [Authorizer], applies the HTTP client's Timeout to the request alone, and
// reads the whole body into memory: a 2xx body up to MaxBodyBytes (a larger one fails at
// once with an error wrapping unified.ErrResponseTooLarge), any other up to
// MaxErrorBodyBytes. For DoJSON it also decodes the body there, once, with encoding/json
// (which checks the whole document before it writes into the target). A 2xx body cut
// short, or, for DoJSON, one that is not JSON (garbled, truncated, a proxy's HTML page),
// fails the attempt, so that it is retried like a connection failure and counted in the
// same budget; JSON of the wrong shape fails the call at once.
//
// # Retries
//
// Idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or Request.Idempotent) are
// retried on 429, 502, 503 and 504 answers, on connection failures (refused, reset, EOF,
// one request timing out) and on failed 2xx bodies as above. Nothing else is retried: not
// 500 or 501, other 4xx answers, TLS verification failures, refused origins or cancelled
// contexts. MaxAttempts 1 disables retries.
//
// Before retry n (n = 0 for the first) the call waits a random duration between half of
// MinWait·2ⁿ and all of it, with MinWait·2ⁿ capped at MaxWait; a Retry-After header
// (seconds or HTTP-date) replaces that wait, and a client-wide pause (below) lengthens it.
// A Retry-After longer than MaxRetryAfter is not waited for: the call fails at once with
// the *unified.APIError, whose RetryAfter says how long the API asked for. When the
// caller's context ends, the wait ends at once with the context's error.
//
// A 401 answer to a request that carried credentials makes the round tripper call
// Authorizer.Refresh and send the request once more, at most once per call. The resend
// belongs to the attempt that met the 401, so it does not count against MaxAttempts; it
// does count in APIError.Attempts. A second 401 is returned as the error.
//
// # Rate limiting
//
// Every request waits on the client's rate.Limiter (10 requests/s with a burst of 10
// unless configured; Config.Limiter shares one budget between clients), and the client
// adapts it to what the API says:
//
//   - A new client sends its first request alone and holds the others until it is
//     answered: if another client with the same credentials has just spent the API's
//     budget, one 429 tells it so, not a burst of them. (Token requests, Request.NoAuth,
//     are not held.)
//   - A 429, or a 503 with Retry-After, pauses every request of the client: for the
//     Retry-After, or else for the limiter's interval between two tokens but at least
//     [RateLimitPause]. Requests already waiting for a token go back behind the pause.
//     The limiter's burst drops to 1 until [RateLimitQuietPeriod] has passed without
//     another such answer, so that the paused requests leave at the limiter's pace
//     instead of in a burst; then the configured burst comes back.
//   - X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (Reset in seconds
//     until the reset when below 1e9, as a Unix time otherwise), when an API sends them:
//     when Remaining falls to a tenth of Limit (at least 1), the client spreads the rest
//     evenly until the reset, with a burst of 1, and when Remaining is 0 it pauses until
//     the reset. It never goes faster than configured. [Client.Rate] reports the last
//     state the API announced.
//
// # Errors
//
// A non-2xx answer becomes a *unified.APIError, which matches the unified sentinel errors
// with errors.Is (401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound, 429
// ErrRateLimited, 400/422 ErrInvalidRequest, 5xx ErrUnavailable). It carries the request
// id from the response headers, the Retry-After, the number of attempts, and the start of
// the body; the provider's Config.DecodeError hook fills Code and Message from the body.
// Other failures read "<provider>: <METHOD> <path>: <cause> (after N attempts)", with the
// path but not the query string; they wrap their cause, and connection failures of
// idempotent requests and bodies that are not JSON also match unified.ErrUnavailable.
//
// # Secrets
//
// No credential is printed: URLs in errors and logs have their user information and
// credential-like query values removed ([SanitizeURL]), and every message, log attribute
// and APIError.Body has the strings of Config.Secrets, and whatever follows "Bearer " or
// "Basic ", replaced by "[REDACTED]". Plain http is refused except for loopback hosts, and
// credentials are attached only to requests on the BaseURL's origin: absolute URLs and
// redirects to any other origin (including an https → http downgrade) are refused.
//
// # Concurrency
//
// A Client is safe for concurrent use by multiple goroutines and starts no goroutines of
// its own.
package transport
