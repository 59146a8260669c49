// Package hub is a Hugging Face Hub client on net/http: repository info and
// file listings, downloads into the Python huggingface_hub cache layout, and
// uploads with the preupload / LFS batch / NDJSON commit protocol.
//
// # Configuration
//
// NewClient reads what huggingface_hub reads: HF_ENDPOINT (default
// https://huggingface.co), the token from Options.Token, else HF_TOKEN, else
// the file HF_TOKEN_PATH or $HF_HOME/token; the cache from HF_HUB_CACHE,
// else $HF_HOME/hub (HF_HOME defaults to ~/.cache/huggingface); and
// HF_HUB_OFFLINE=1, which resolves everything from the cache and never
// touches the network.
//
// # Cache
//
// Downloads land exactly where huggingface_hub puts them, so a cache filled
// by Python (or @huggingface/hub) serves hfctl and the reverse:
//
//	models--org--name/blobs/<etag>              content (LFS sha256 or git blob id)
//	models--org--name/blobs/<etag>.incomplete   while downloading; resumed from its size
//	models--org--name/snapshots/<commit>/<path> relative symlinks to ../../blobs/<etag>
//	models--org--name/refs/<revision>           the commit the revision resolved to
//	.locks/models--org--name/<etag>.lock        flock: one process per blob
//
// A file is resolved with HEAD on {endpoint}/{repo}/resolve/{rev}/{path}
// (relative redirects followed, CDN redirects not), fetched from its
// Location with Range requests (resumed after dropped connections, 5xx and
// timeouts, with exponential backoff honouring Retry-After), large files in
// parallel ranges, and renamed into blobs/ only after its size and, for LFS
// files, its sha256 have been checked: a truncated or corrupt blob is never
// visible. Names from the server are untrusted (CheckRepoPath).
//
// # Errors
//
// Hub errors are *Error values that wrap sentinels (ErrRepoNotFound,
// ErrGated, ErrRevisionNotFound, ErrEntryNotFound, ErrUnauthorized,
// ErrRateLimited, ...) and say in their message how to fix the problem.
// Offline misses are *NotCachedError (ErrNotCached), unsafe names
// *UnsafePathError (ErrUnsafePath), checksum failures *IntegrityError.
//
// The package hubtest is an in-process fake Hub speaking the same protocol.
package hub
