/*
Copyright 2026 The union-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Command image builds the manager's container image without a Docker
// engine, and checks one: a distroless-style image of two layers (a base
// with nothing but the unprivileged user's passwd and group entries and a
// writable /tmp, and the static binary at /manager), written as an OCI
// image layout in a tar file that `docker load`, `podman load`, `crane push`
// and `skopeo copy oci-archive:` take.
//
//	image build -binary bin/linux/manager -version v0.1.0 -revision <sha> -out bin/union-operator-image.tar
//	image check -in bin/union-operator-image.tar -extract bin/image-manager
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		fs := flag.NewFlagSet("build", flag.ExitOnError)
		o := Options{}
		fs.StringVar(&o.Binary, "binary", "", "the static linux manager binary")
		fs.StringVar(&o.Version, "version", "devel", "the release (label org.opencontainers.image.version)")
		fs.StringVar(&o.Revision, "revision", "", "the commit (label org.opencontainers.image.revision)")
		fs.StringVar(&o.Arch, "arch", "amd64", "the binary's GOARCH")
		out := fs.String("out", "", "the OCI archive to write")
		_ = fs.Parse(os.Args[2:])
		err = buildArchive(o, *out)
	case "check":
		fs := flag.NewFlagSet("check", flag.ExitOnError)
		in := fs.String("in", "", "the OCI archive to check")
		extract := fs.String("extract", "", "where to copy the image's /manager, to run it")
		_ = fs.Parse(os.Args[2:])
		err = checkArchive(*in, *extract)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: image build -binary <file> -version <v> -revision <sha> -out <archive> | image check -in <archive> [-extract <file>]")
	os.Exit(2)
}
