package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progressDelay is how long a scan runs before a progress bar appears: a
// short scan is over before a bar would be of any use, and would only
// leave flicker behind.
const progressDelay = time.Second

// progressTick is how often the bar is redrawn.
const progressTick = 150 * time.Millisecond

// progress draws a one-line progress bar on a terminal: files and bytes
// done out of the total when it is known (a tree), or a count of what was
// read when it is not (a history). It is written for stderr only, and only
// when stderr is a terminal; the report on stdout is never touched.
type progress struct {
	w          io.Writer
	width      func() int
	label      string
	totalFiles int64
	totalBytes int64 // 0: unknown

	delay        time.Duration
	files, bytes atomic.Int64
	start        time.Time
	stop         chan struct{}
	done         sync.WaitGroup
	drawn        bool
}

// startProgress starts redrawing a bar on w after progressDelay; nil w
// gives a progress that draws nothing. width reports the terminal's width.
func startProgress(w io.Writer, width func() int, label string, totalFiles, totalBytes int64) *progress {
	return startProgressAfter(progressDelay, w, width, label, totalFiles, totalBytes)
}

func startProgressAfter(delay time.Duration, w io.Writer, width func() int, label string, totalFiles, totalBytes int64) *progress {
	p := &progress{w: w, width: width, label: label, totalFiles: totalFiles, totalBytes: totalBytes, delay: delay, start: time.Now(), stop: make(chan struct{})}
	if w == nil {
		return p
	}
	p.done.Add(1)
	go p.loop()
	return p
}

// add records files and bytes as done.
func (p *progress) add(files, bytes int64) {
	p.files.Add(files)
	p.bytes.Add(bytes)
}

// finish stops the bar and erases it.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.done.Wait()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func (p *progress) loop() {
	defer p.done.Done()
	delay := time.NewTimer(p.delay)
	defer delay.Stop()
	select {
	case <-p.stop:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		fmt.Fprint(p.w, "\r"+p.line(time.Since(p.start))+"\x1b[K")
		p.drawn = true
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
	}
}

// line renders the bar for a terminal of p.width() columns, never as wide
// as the terminal: a line that wrapped could not be redrawn in place.
func (p *progress) line(elapsed time.Duration) string {
	l := p.render(elapsed)
	if w := p.width(); len(l) >= w {
		l = l[:max(w-1, 0)]
	}
	return l
}

func (p *progress) render(elapsed time.Duration) string {
	files, bytes := p.files.Load(), p.bytes.Load()
	secs := fmt.Sprintf("%ds", int(elapsed.Seconds()))
	if p.totalBytes <= 0 {
		return fmt.Sprintf("%s: %d files, %s  %s", p.label, files, human(bytes), secs)
	}
	frac := min(float64(bytes)/float64(p.totalBytes), 1)
	tail := fmt.Sprintf(" %3.0f%%  %d/%d files  %s/%s  %s", frac*100, files, p.totalFiles, human(bytes), human(p.totalBytes), secs)
	barWidth := p.width() - len(p.label) - len(tail) - 4
	if barWidth < 10 {
		return p.label + tail
	}
	fill := int(frac * float64(barWidth))
	return p.label + " [" + strings.Repeat("=", fill) + strings.Repeat(" ", barWidth-fill) + "]" + tail
}

// human writes a byte count with a binary unit.
func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
