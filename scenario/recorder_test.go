package scenario

import "net/http/httptest"

func httptestRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
