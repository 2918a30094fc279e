//go:build tools

// Package tools pins crd-ref-docs, which generates docs/api-reference.md.
package tools

import _ "github.com/elastic/crd-ref-docs"
