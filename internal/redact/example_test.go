package redact_test

import (
	"fmt"

	"github.com/tracepr/trace/internal/redact"
)

// Everything that leaves the machine passes through String first.
func ExampleString() {
	fmt.Println(redact.String("connect with postgres://shop:Zr8vQ2mKx7@db:5432/shop"))
	fmt.Println(redact.String("DB_PASSWORD=hunter2x9"))
	fmt.Println(redact.String("the token expired, so I refreshed it"))
	// Output:
	// connect with postgres://shop:[REDACTED]@db:5432/shop
	// DB_PASSWORD=[REDACTED]
	// the token expired, so I refreshed it
}
