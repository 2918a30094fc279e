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

package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWritePlotMakesAPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scaling.png")
	points := []scalePoint{
		{Objects: 1500, BaselineSeconds: 6, MillisPerObject: 4.2, RSSBytesPerAgent: 1900},
		{Objects: 3000, BaselineSeconds: 12, MillisPerObject: 4.1, RSSBytesPerAgent: 1700},
		{Objects: 6000, BaselineSeconds: 24, MillisPerObject: 4.3, RSSBytesPerAgent: 1600},
	}
	if err := writePlot(path, points); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 300 {
		t.Errorf("plot is %dx%d, want at least 800x300", b.Dx(), b.Dy())
	}
}
