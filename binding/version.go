package main

/*
#include <stdlib.h>
*/
import "C"

// packageVersion is the version of the Python package whose build made this
// library: setup.py stamps it with -ldflags "-X main.packageVersion=...".
// A plain `go build` (make build) says "dev".
var packageVersion = "dev"

// cPackageVersion is packageVersion as a C string, made once and never freed:
// ngr_package_version hands out this one pointer.
var cPackageVersion = C.CString(packageVersion)

//export ngr_package_version
func ngr_package_version() *C.char { return cPackageVersion }
