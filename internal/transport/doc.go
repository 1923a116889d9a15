// Package transport is the one HTTP stack of the hrisconnect providers: every request a
// provider client sends goes through a [Client].
//
// # Layers
//
// From the outside in:
//
//  1. go-retryablehttp runs the attempts: it rewinds the request body, drains the body of
//     every response it retries, and hands the last response to the client
//     (PassthroughErrorHandler), which closes it after building a typed error. Its own
//     logger is silenced; the client logs through the optional *slog.Logger instead.
//  2. An inner round tripper handles each attempt (and each redirect hop): it refuses
//     URLs off the BaseURL's origin, waits for a client-wide pause and for the rate
//     limiter, applies the HTTP client's Timeout to the attempt alone, adds credentials
//     through the [Authorizer] (same origin only), and records X-RateLimit-* headers.
//  3. The configured *http.Client's transport sends the request.
//
// # Retries
//
// Idempotent requests (GET, HEAD, OPTIONS, TRACE, PUT, DELETE, or Request.Idempotent) are
// retried on 429, 502, 503 and 504 answers and on connection failures (refused, reset,
// EOF, one attempt timing out; for DoJSON also a body cut off mid-stream), up to
// Config.MaxAttempts attempts in all. Nothing else is retried: not TLS verification
// failures, invalid URLs, refused origins, cancelled contexts, or other 4xx answers.
//
// Between attempts the client waits a random duration between half of MinWait·2ⁿ and all
// of it (n = 0 for the first retry), with MinWait·2ⁿ capped at MaxWait. A Retry-After
// header (seconds or HTTP-date) replaces that wait; on a 429 or 503 it pauses the whole
// client, so concurrent requests hold off too. A Retry-After longer than MaxRetryAfter is
// not waited for: the request fails at once with the *unified.APIError, whose RetryAfter
// tells the caller how long the API asked for.
//
// A 401 answer to an authorized request makes the client call Authorizer.Refresh once and
// send the request once more; a second 401 is returned as the error.
//
// # Rate limiting
//
// Every attempt waits on the client's rate.Limiter (10 requests/s with a burst of 10
// unless configured; Config.Limiter shares one budget between clients). The client also
// follows the API's X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers
// (Reset in seconds until the reset when below 1e9, as a Unix time otherwise): when
// Remaining falls to a tenth of Limit (at least 1), it spreads the rest evenly until the
// reset, and when Remaining is 0 it pauses until the reset. It never goes faster than the
// configured rate. [Client.Rate] reports the last state the API announced.
//
// # Errors
//
// A non-2xx answer becomes a *unified.APIError, which matches the unified sentinel errors
// with errors.Is (401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound, 429
// ErrRateLimited, 400/422 ErrInvalidRequest, 5xx ErrUnavailable). It carries the request
// id from the response headers, the Retry-After, the number of attempts, and the start of
// the body; the provider's Config.DecodeError hook fills Code and Message from the body.
// Other failures name the provider, method and sanitised URL and wrap their cause.
//
// # Secrets
//
// No credential is printed: URLs in errors and logs have their user information and
// credential-like query values removed ([SanitizeURL]), and every message, log attribute
// and APIError.Body has the strings of Config.Secrets, and whatever follows "Bearer " or
// "Basic ", replaced by "[REDACTED]". Headers and bodies are never logged. Plain http is
// refused except for loopback hosts, and credentials are attached only to requests on the
// BaseURL's origin: absolute URLs and redirects to any other origin (including an https →
// http downgrade) are refused.
//
// # Concurrency
//
// A Client is safe for concurrent use by multiple goroutines and starts no goroutines of
// its own.
package transport
