//go:build ignore

// gen writes the small sample media the examples use. The fake platform
// (package authentatest) does not decode media, but the files are real,
// valid formats so that they also work against the real service.
//
//	go run gen.go
package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log"
	"os"
)

func main() {
	write("photo.jpg", jpegOf(96, 64, 0))
	write("deepfake.jpg", jpegOf(96, 64, 170)) // the embedded fake calls files named *fake* fake
	write("selfie.jpg", jpegOf(64, 64, 60))
	write("reference.jpg", jpegOf(64, 64, 90))
	write("document.png", pngOf(80, 112))
	write("voice.wav", wav(8000, 800)) // 0.1 s of silence
	write("clip.mp4", mp4())
	write("notes.txt", []byte("not media: the examples reject this file before sending anything\n"))
}

func write(name string, b []byte) {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func gradient(w, h, shift int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y + shift) % 256), 255})
		}
	}
	return img
}

func jpegOf(w, h, shift int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gradient(w, h, shift), &jpeg.Options{Quality: 80}); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradient(w, h, 30)); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// wav returns a mono 16-bit PCM WAVE file of n silent samples.
func wav(rate, n int) []byte {
	var b bytes.Buffer
	data := n * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	b.Write(make([]byte, data))
	return b.Bytes()
}

// mp4 returns the smallest ISO base media file: an ftyp box and an empty
// mdat box. Players reject it (no moov), the fake accepts it.
func mp4() []byte {
	var b bytes.Buffer
	box := func(typ string, payload []byte) {
		binary.Write(&b, binary.BigEndian, uint32(8+len(payload)))
		b.WriteString(typ)
		b.Write(payload)
	}
	box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	box("mdat", make([]byte, 256))
	return b.Bytes()
}
