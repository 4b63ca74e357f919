// Package authenta is the Go SDK for the Authenta deepfake-detection API:
// send images, video, audio and documents for detection (AI-generated
// image, face swap, liveness, face similarity, document forgery, ...), wait
// for the verdict, and act on it.
//
// # Quick start
//
//	client, err := authenta.NewClient() // reads $AUTHENTA_API_KEY
//	if err != nil {
//		return err
//	}
//	d, err := client.Detect(ctx, authenta.AIImageDetection, "photo.jpg", nil)
//	if err != nil {
//		return err
//	}
//	if d.Result.Verdict() == authenta.VerdictFake {
//		// act on it
//	}
//
// Detect checks the file against the task type before sending anything,
// creates a job, streams the file to its presigned upload URL, finalizes
// the job, waits for it and fetches the result. If a step after the job's
// creation fails, Detect removes the job so that nothing is left half-made
// on the server, and returns a *StepError naming the step. A job that
// completed is never removed (its credits are spent): when its result
// cannot be fetched, the *StepError carries the job for Jobs.Result later.
//
// # The jobs API
//
// Client.Jobs exposes every step on its own, for flows that Detect does
// not cover (uploading from another process, resuming after a crash):
// Create, Upload, Finalize, Get, Wait, Result, List and All (an
// iter.Seq2 over every page), Cancel and Delete.
//
// # Face indexing
//
// Client.Faces enrols a person's photos as a subject (Enroll,
// EnrollImages), waits until every face is processed (WaitEnrolled), lists
// the subjects (Subjects) and searches a new photo against every enrolled
// face (Search, SearchReader), highest similarity first. Photos whose EXIF
// orientation is sideways are turned upright before they are sent, and
// search photos over 4096 pixels a side are scaled down; others are
// streamed as they are.
//
// # Errors
//
// Every error from a request that got an HTTP response is, or wraps, an
// *APIError carrying the status, the server's code and message, the
// request id and any Retry-After. Match categories with errors.Is against
// the sentinels (ErrInvalidAPIKey, ErrInsufficientBalance, ErrJobNotFound,
// ErrRateLimited, ...), which work across the v1 and legacy codes and fall
// back to the HTTP status; read details with errors.As. Bad input is
// refused before any request with an error matching ErrInvalidArgument,
// ErrInvalidTaskType or ErrUnsupportedMediaType.
//
// # Retries, timeouts and cancellation
//
// Every call takes a context.Context; its deadline covers all attempts,
// and every sleep (backoff, polling) ends when it ends. GET and DELETE are
// retried on network errors, 429, 500, 502, 503 and 504; POSTs only on 429,
// 503 and errors before the request was sent. Waits grow exponentially
// with jitter within WithRetryWait's bounds; Retry-After is honoured up to
// the max wait, and a longer one is returned at once as an error with
// APIError.RetryAfter set. The default transport never waits more than two
// minutes for a response's headers (WithResponseHeaderTimeout).
//
// # Uploads
//
// Uploads stream: memory stays constant whatever the file size. Bodies
// that are an io.ReaderAt (files) are re-read on each retry; other readers
// are sent once. Content-Length is always explicit, and presigned URLs
// never receive the Authorization header.
//
// # Secrets
//
// The API key goes only to the exact origin (scheme, host and port) of the
// base URL. Neither the key nor a presigned URL's query string appears in
// logs (WithLogger), error strings, fmt output, slog records (every type
// holding a URL is a slog.LogValuer) or the JSON of the SDK's values, with
// one deliberate exception: a CreatedJob marshals with its upload URLs, for
// another process to upload with.
//
// # Flaky networks
//
// A response body the SDK decodes is read inside its attempt: a body cut by
// the network is retried like any connection error where the request may
// be retried, and does not end a wait. A body that stalls is abandoned
// after WithReadIdleTimeout. Decoding is bounded by a budget proportional
// to the body's size.
//
// # Using the SDK inside a service
//
// Make one Client at start-up and share it. What changes per request goes
// in call options, the trailing arguments of every JobsService method,
// Detect, DetectReader and Resume; they never change the Client:
// WithCallHeader (an extra header on the call's API requests, e.g. the
// inbound X-Request-Id; never on presigned storage URLs; Authorization and
// CR/LF are refused before anything is sent), WithCallRetries (this call's
// retries), WithCallTimeout (bounds the whole call, retries and waits
// included) and WithResponseInfo (status, request id, attempts and
// duration, filled on success and on failure).
//
// Client options for services: WithMiddleware wraps every HTTP attempt,
// API and storage, below the retries and above authentication, so that no
// middleware sees the key (examples/otel traces with it, in a module of its
// own: the SDK does not depend on OpenTelemetry); WithWaitOptions sets the
// default polling of every wait; WithRateLimit limits API requests across
// goroutines, counting each attempt, retries included.
//
// When a caller's context ends, Detect returns at once: the removal of the
// job it created goes on in the background, bounded to 15 seconds
// (StepError.Cleanup matches ErrCleanupPending; DetectOptions.OnCleanup
// hears the outcome). Client.Close waits for those removals; after Close, a
// cancelled Detect removes its job before returning, so no goroutine of
// the SDK outlives the Client. Call Close at shutdown, after the server has
// stopped taking requests.
//
// For batch work, DetectOptions.OnUploadProgress reports upload progress,
// OnFinalized says when a job is queued, and Client.Resume finishes a job
// that another process created.
//
// A service that wraps the SDK can be tested three ways: against package
// authentatest (Server.Client polls at millisecond scale); with a scripted
// http.RoundTripper such as httpmock under WithHTTPClient; or behind an
// interface of its own, with a fake that returns what the SDK would:
// NewAPIError builds errors that match the same sentinels as the SDK's own
// (so does a hand-built &APIError{StatusCode: 404}), and ParseResult builds
// results.
//
// # Testing
//
// Package authentatest runs an in-process fake of the platform for tests
// and demos: no network and no credits needed.
package authenta
