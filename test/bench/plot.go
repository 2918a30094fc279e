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
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// writePlot draws, side by side, the operator's and the bare loop's time
// per object, and the operator's resident set per cached agent, against
// the number of agent objects, as a PNG.
func writePlot(path string, points []scalePoint) error {
	perObject := plot.New()
	perObject.Title.Text = "Convergence time per object"
	perObject.X.Label.Text = "agent objects"
	perObject.Y.Label.Text = "ms per object"
	perObject.Y.Min = 0
	op, base := make(plotter.XYs, len(points)), make(plotter.XYs, len(points))
	rss := plot.New()
	rss.Title.Text = "Resident set above the empty operator"
	rss.X.Label.Text = "agent objects"
	rss.Y.Label.Text = "bytes per cached agent"
	rss.Y.Min = 0
	perAgent := make(plotter.XYs, len(points))
	for i, p := range points {
		x := float64(p.Objects)
		op[i] = plotter.XY{X: x, Y: p.MillisPerObject}
		base[i] = plotter.XY{X: x, Y: p.BaselineSeconds * 1000 / x}
		perAgent[i] = plotter.XY{X: x, Y: p.RSSBytesPerAgent}
	}
	if err := addLine(perObject, "operator", op, 0); err != nil {
		return err
	}
	if err := addLine(perObject, "bare client-go loop", base, 1); err != nil {
		return err
	}
	if err := addLine(rss, "operator", perAgent, 0); err != nil {
		return err
	}
	limit := plotter.NewFunction(func(float64) float64 { return 2048 })
	limit.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	rss.Add(limit)
	rss.Legend.Add("target 2 KiB", limit)
	rss.Y.Max = max(rss.Y.Max, 2300)
	for _, p := range []*plot.Plot{perObject, rss} {
		p.Legend.Top = true
		p.Add(plotter.NewGrid())
	}

	const width, height = 12 * vg.Inch, 4.5 * vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 6, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4}
	canvases := plot.Align([][]*plot.Plot{{perObject, rss}}, tiles, dc)
	perObject.Draw(canvases[0][0])
	rss.Draw(canvases[0][1])

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// addLine adds a line with points, in the i-th of the default colours.
func addLine(p *plot.Plot, name string, xys plotter.XYs, i int) error {
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	c := plotutil.Color(i)
	line.Color, points.Color = c, c
	p.Add(line, points)
	p.Legend.Add(name, line, points)
	return nil
}
