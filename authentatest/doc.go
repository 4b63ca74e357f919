// Package authentatest is an in-process fake of the Authenta platform, for
// testing code that uses the authenta SDK without the network, an API key
// or credits.
//
// A Server runs two hosts, each an HTTP server on 127.0.0.1:
//
//   - the API host (Server.URL): the six v1 jobs endpoints, with Bearer
//     keys, permissions, a credit balance and the job state machine;
//   - the storage host (Server.StorageURL): presigned upload URLs for the
//     job inputs and presigned download URLs for the result document,
//     heatmaps and inputs, which fail the way S3 fails.
//
// # Getting a client
//
// In a test, NewServer starts a server and closes it when the test ends;
// Server.Client returns an *authenta.Client wired to it (the default key,
// the API URL, the server's HTTP client, retries that wait 1ms to 10ms
// rather than seconds, and waits that poll every 1ms to 5ms rather than
// from 500ms, so that code that waits for jobs tests fast without wait
// settings of its own). The client is closed when the test ends. Options
// given to Client are applied after those, so they override them:
//
//	srv := authentatest.NewServer(t)
//	c := srv.Client()                                    // fails the test on error
//	c2 := srv.Client(authenta.WithAPIKey("api_readonly_key1")) // another key
//
// Outside of tests, Start returns a server to Close when done, and
// NewClient returns the client and its error.
//
// # What the API host does
//
// Authentication follows the authentication page, in its order: an
// Authorization header with a Bearer key (else 401 INVALID_API_KEY), a
// well-formed known key (401), the permission the endpoint needs (403
// FORBIDDEN: GET needs PermRead, create, finalize and cancel PermWrite,
// DELETE PermDelete), and a positive balance for create and finalize (402
// INSUFFICIENT_BALANCE); finalize charges the task's cost. Add keys with
// WithKey or Server.AddKey; DefaultAPIKey has every permission.
//
// Create validates the body like the service: taskTypeId as a string or a
// number (400 INVALID_TASK_TYPE), inputs with slotName, contentType,
// fileName and sizeBytes, content types the task type accepts (400
// UNSUPPORTED_MEDIA_TYPE), and a "reference" input when face intelligence
// is asked for a similarity check.
//
// Jobs move through the states of the wire reference (§1.11): pending
// until finalized, then queued, processing, and completed, failed or
// cancelled, on a Schedule (polls or time per stage; DefaultSchedule takes
// 5ms) and with an Outcome, set per server (WithSchedule, WithOutcome) or
// per job (WithJobHook). Finalize before every input is uploaded, or
// twice, is a 400; cancel while processing or completed a 409; delete
// answers 204, or 409 while processing; an unknown or deleted job is 404
// JOB_NOT_FOUND. Server.SetJobStatus moves a job by hand.
//
// Completed jobs carry artifacts: one per uploaded input, a "result"
// artifact whose presigned downloadUrl serves the result document, and for
// the image detection tasks a "heatmap" PNG. The documents are realistic
// for every task type (DefaultResult) and can be set per task type
// (WithResult) or per job (WithJobHook).
//
// # What the storage host does
//
// A PUT to an upload URL must carry exactly the Content-Type declared at
// create (it is signed: else 403 SignatureDoesNotMatch, echoing
// StringToSign and SignatureProvided as S3 does), a Content-Length equal to
// the declared sizeBytes (else 400), no Authorization header (400
// InvalidArgument), no chunked encoding (501 NotImplemented), and arrive
// before the URL expires (403 AccessDenied "Request has expired"). Bodies
// are streamed through a SHA-256 and a counter, never kept unless
// WithKeepUploads asks: Server.Upload tells what each slot received.
//
// # Face indexing
//
// The API host also serves face indexing (wire reference §1.16) under
// DefaultFacesPath (WithFacesPath moves it): POST enroll answers a subject
// with one face per image, each with a presigned upload URL on the storage
// host and the exact headers to send with it (a missing or different header
// is 403 SignatureDoesNotMatch); GET subjects lists every subject, each
// listing moving uploaded faces along uploaded → processing → processed
// (WithFaceSteps), or failed for an image that does not decode
// (invalid_image) or has no face (NoFaceMarker in its name, or a sideways
// EXIF orientation: no_face_detected); POST search takes multipart image
// and limit, or JSON image_bytes, and ranks the processed faces by a
// similarity derived from the pictures, deterministically. Errors come in
// the service's shapes: {"error": {"code", "message"}} (or the flat
// envelope, WithFlatFaceErrors), FastAPI {"detail": [...]} for validation,
// and an HTML 413 for bodies that are too large. Portrait, PortraitPNG and
// Sideways make pictures of persons to enrol and search; Server.Faces and
// Server.Searches show what arrived, decoded.
//
// # Variants and faults
//
// The service and its documentation disagree on response shapes (wire
// reference §1.18); a server speaks one variant of each, chosen by option:
// WithCreateShape (nested job or flat jobId), WithJobShape, WithIDStyle
// (string or number ids), WithFirstID (ids above 2^53),
// WithStatusVocabulary (lower-case, TypeScript or legacy upper-case words),
// WithListEnvelope, WithResultDelivery (artifact, inline or legacy URL) and
// WithEmbeddingStyle.
//
// Server.Fail and Server.Inject queue faults for the next requests to a
// Route: error statuses with JSON, S3 XML, HTML, text or empty bodies,
// Retry-After, delays, and connections dropped or reset before or after
// the request is handled. WithLatency and Server.SetLatency slow a route
// down.
//
// # Assertions
//
// Requests are recorded (Server.Requests, RequestsTo; the last
// DefaultRecordLimit of them, see WithRecordLimit and Server.Dropped, so
// that a long test's memory stays bounded; Count and CountJob count every
// request): host,
// method, path, query, route, job id, headers without the Authorization
// header (HadAuth and AuthValid say what it was), content length, transfer
// encoding, body size and the status answered. Server.Job and Server.Jobs
// show the server's view of jobs, and Server.Upload what the storage host
// received.
//
// Everything is safe for concurrent use: many clients may call one server
// at once while the test inspects it.
package authentatest
