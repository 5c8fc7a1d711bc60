// Package views holds the dashboard's templ components and the view models
// they take. Components receive only these structs, built by package web
// from engine types: they never see store rows or engine types, and hold no
// logic beyond layout. Every value is already formatted (numbers, times in
// the merchant's zone, labels).
//
// Elements that tests look for carry data-testid attributes.
package views

//go:generate go tool templ generate
