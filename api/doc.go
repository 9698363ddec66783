// Package api is the root of the typed request and reply bodies of every
// WeChat Pay operation, generated from the OpenAPI description.
package api

//go:generate go run ../internal/openapi/gen
