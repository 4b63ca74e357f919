package authenta

// Version is the semantic version of this module. It is sent in the
// User-Agent header of every request.
const Version = "0.1.0"

// DefaultBaseURL is the Authenta platform used when neither WithBaseURL nor
// $AUTHENTA_BASE_URL names another.
const DefaultBaseURL = "https://platform.authenta.ai"

// Environment variables read by NewClient when the matching option is absent.
const (
	EnvAPIKey  = "AUTHENTA_API_KEY"
	EnvBaseURL = "AUTHENTA_BASE_URL"
)
